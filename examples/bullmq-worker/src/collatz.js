// The CPU work of a job: in a range of starting numbers, the one whose
// Collatz sequence takes the most steps to reach 1.

/** Steps of n's Collatz sequence to 1. */
export function collatzSteps(n) {
  let steps = 0;
  while (n !== 1) {
    n = n % 2 === 0 ? n / 2 : 3 * n + 1;
    steps++;
  }
  return steps;
}

/** The longest sequence among [start, start + count): { bestN, bestSteps } (the smallest n on a tie). */
export function longestInRange(start, count) {
  let bestN = start;
  let bestSteps = -1;
  for (let n = start; n < start + count; n++) {
    const steps = collatzSteps(n);
    if (steps > bestSteps) {
      bestSteps = steps;
      bestN = n;
    }
  }
  return { bestN, bestSteps };
}
