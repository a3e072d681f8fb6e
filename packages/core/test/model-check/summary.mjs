// Prints the model checker's figures from test-results/model-check.json (written
// by the model-check tests): per configuration and in total.
import { readFileSync } from 'node:fs';

const entries = JSON.parse(readFileSync(new URL('../../test-results/model-check.json', import.meta.url), 'utf8'));
let executions = 0;
let steps = 0;
let states = 0;
console.log('| configuration | interleavings | searched | steps | distinct states | seconds | harness restarts |');
console.log('| --- | ---: | --- | ---: | ---: | ---: | ---: |');
for (const e of entries) {
  executions += e.executions;
  steps += e.steps;
  states += e.distinctStates;
  const searched = e.exhausted ? `all (bound ${e.preemptionBound})` : `budget (bound ${e.preemptionBound})`;
  console.log(`| ${e.name} | ${e.executions.toLocaleString('en')} | ${searched} | ${e.steps.toLocaleString('en')} | ${e.distinctStates.toLocaleString('en')} | ${e.seconds.toFixed(1)} | ${e.harnessRestarts ?? 0} |`);
}
console.log(`| **total** | **${executions.toLocaleString('en')}** | | ${steps.toLocaleString('en')} | ${states.toLocaleString('en')} | | |`);
