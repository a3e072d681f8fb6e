import type { Case } from './case.js';

/** "AtomicBitmap.allocate options.shared: a string" */
export function caseTitle(c: Case): string {
  return `${c.subject}${memberSuffix(c.member)} ${c.param}: ${c.label}`;
}

export function memberSuffix(member: string): string {
  if (member === '') return '()';
  if (member === 'new') return ' constructor';
  if (member.startsWith('static ')) return `.${member.slice('static '.length)}()`;
  return `${member}()`;
}
