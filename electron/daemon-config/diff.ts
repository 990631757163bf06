/**
 * A small unified line diff for the before/after preview. Edits to daemon.json touch a few lines, so we
 * strip the common head and tail and run a plain longest-common-subsequence on what is left.
 */

type Line = { kind: ' ' | '-' | '+'; text: string; oldNumber: number; newNumber: number };

/** `diff -u` style text of before → after with `context` lines around each change; '' when equal. */
export function unifiedDiff(
  before: string,
  after: string,
  labels = { before: 'before', after: 'after' },
  context = 3,
): string {
  if (before === after) return '';
  const lines = diffLines(splitLines(before), splitLines(after));
  const hunks: string[] = [];
  let index = 0;
  while (index < lines.length) {
    const firstChange = lines.findIndex((line, i) => i >= index && line.kind !== ' ');
    if (firstChange === -1) break;
    const start = Math.max(index, firstChange - context);
    let stop = firstChange;
    // Extend the hunk while the next change is within two contexts of the last one.
    for (let i = firstChange; i < lines.length; i++) {
      if (lines[i]?.kind !== ' ') stop = i;
      else if (i - stop > context * 2) break;
    }
    const finish = Math.min(lines.length, stop + context + 1);
    const hunk = lines.slice(start, finish);
    const oldCount = hunk.filter((line) => line.kind !== '+').length;
    const newCount = hunk.filter((line) => line.kind !== '-').length;
    const first = hunk[0];
    const oldStart = first ? first.oldNumber + (oldCount === 0 ? 0 : 1) : 0;
    const newStart = first ? first.newNumber + (newCount === 0 ? 0 : 1) : 0;
    hunks.push(
      `@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`,
      ...hunk.map((line) => `${line.kind}${line.text}`),
    );
    index = finish;
  }
  return [`--- ${labels.before}`, `+++ ${labels.after}`, ...hunks].join('\n') + '\n';
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Every line of both texts in order, marked kept, removed or added; numbers count lines before each. */
function diffLines(a: string[], b: string[]): Line[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const middleA = a.slice(head, a.length - tail);
  const middleB = b.slice(head, b.length - tail);
  // lcs[i][j]: length of the longest common subsequence of middleA[i..] and middleB[j..].
  const lcs = Array.from({ length: middleA.length + 1 }, () => new Array<number>(middleB.length + 1).fill(0));
  for (let i = middleA.length - 1; i >= 0; i--) {
    const row = lcs[i] as number[];
    const below = lcs[i + 1] as number[];
    for (let j = middleB.length - 1; j >= 0; j--) {
      row[j] = middleA[i] === middleB[j] ? (below[j + 1] ?? 0) + 1 : Math.max(below[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const out: Line[] = [];
  let oldNumber = 0;
  let newNumber = 0;
  const push = (kind: Line['kind'], text: string): void => {
    out.push({ kind, text, oldNumber, newNumber });
    if (kind !== '+') oldNumber++;
    if (kind !== '-') newNumber++;
  };
  for (let k = 0; k < head; k++) push(' ', a[k] ?? '');
  let i = 0;
  let j = 0;
  while (i < middleA.length || j < middleB.length) {
    if (i < middleA.length && j < middleB.length && middleA[i] === middleB[j]) {
      push(' ', middleA[i++] ?? '');
      j++;
    } else if (
      i < middleA.length &&
      (j >= middleB.length || (lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0))
    ) {
      push('-', middleA[i++] ?? '');
    } else {
      push('+', middleB[j++] ?? '');
    }
  }
  for (let k = a.length - tail; k < a.length; k++) push(' ', a[k] ?? '');
  return out;
}
