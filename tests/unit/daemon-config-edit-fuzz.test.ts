/**
 * Fuzzes the format-preserving editor: ~500 random valid daemon.json documents (nested objects, unicode
 * and escapes, numbers with exponents and signs, arrays, every indentation and line-ending style),
 * each edited by random single adds and removes. After every edit:
 *   - the text is strict JSON, and the edited list holds exactly what was asked;
 *   - every other key keeps its value (deep-equal) and its place in the key order;
 *   - the bytes that changed lie only inside the edited property (or where it was appended), so every
 *     other property's text is byte-identical.
 * A seeded PRNG makes a failure reproducible: the failing seed and document are in the message.
 */
import { parseTree, type Node } from 'jsonc-parser';
import { describe, expect, it } from 'vitest';
import { editDaemonConfigText, type RegistryEdits } from '../../electron/daemon-config/edit';
import { INSECURE_REGISTRIES_KEY, REGISTRY_MIRRORS_KEY } from '../../electron/daemon-config/read';

/** mulberry32: tiny, fast, good enough to explore shapes. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Gen {
  constructor(readonly random: () => number) {}
  int(max: number): number {
    return Math.floor(this.random() * max);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  chance(p: number): boolean {
    return this.random() < p;
  }
}

interface Style {
  indent: string; // '' means everything on one line
  eol: string;
  colon: string;
  comma: string; // separator after a comma on one-line layouts
}

const WORDS = [
  'log-level',
  'debug',
  'labels',
  'features',
  'builder',
  'dns',
  'mtu',
  'data',
  'exec-opts',
  'default-runtime',
  'ключ',
  '名前',
  'ümlaut',
  'emoji😀',
  'a"quote',
  'back\\slash',
  'tab\tin',
  '',
];
const STRINGS = [
  'info',
  'ünï çødé',
  '日本語',
  '😀🚀',
  'line\nbreak',
  'quote " inside',
  'back \\ slash',
  '',
  'http://x',
  '\u0001ctl',
  '/etc/docker',
];
const NUMBER_TEXTS = [
  '0',
  '-0',
  '1',
  '-1',
  '42',
  '3.14',
  '-2.5',
  '1e5',
  '1E+5',
  '-1.5e-7',
  '6.02E23',
  '1.0',
  '123456789012',
];

/** A string literal, sometimes with \u escapes for non-ASCII so both spellings are covered. */
function stringText(gen: Gen, value: string): string {
  const json = JSON.stringify(value);
  if (!gen.chance(0.3)) return json;
  return json.replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function valueText(gen: Gen, style: Style, depth: number, level: number): string {
  const roll = gen.int(depth > 2 ? 4 : 7);
  switch (roll) {
    case 0:
      return stringText(gen, gen.pick(STRINGS));
    case 1:
      return gen.pick(NUMBER_TEXTS);
    case 2:
      return gen.pick(['true', 'false', 'null']);
    case 3:
      return stringText(gen, gen.pick(WORDS));
    case 4:
    case 5:
      return objectText(gen, style, depth + 1, level, gen.int(4));
    default:
      return arrayText(gen, style, depth + 1, level);
  }
}

function layout(gen: Gen, style: Style, items: string[], open: string, close: string, level: number): string {
  if (items.length === 0) return gen.pick([`${open}${close}`, `${open} ${close}`]);
  // Nested containers are sometimes inline even in pretty files, as people write them.
  if (style.indent === '' || (level > 0 && gen.chance(0.4)))
    return `${open}${items.join(`,${style.comma}`)}${close}`;
  const inner = style.indent.repeat(level + 1);
  return `${open}${style.eol}${items.map((item) => inner + item).join(`,${style.eol}`)}${style.eol}${style.indent.repeat(level)}${close}`;
}

function objectText(gen: Gen, style: Style, depth: number, level: number, size: number): string {
  const used = new Set<string>();
  const items: string[] = [];
  for (let i = 0; i < size; i++) {
    let key = gen.pick(WORDS) + (gen.chance(0.5) ? String(gen.int(100)) : '');
    while (used.has(key)) key += 'x';
    used.add(key);
    items.push(`${stringText(gen, key)}${style.colon}${valueText(gen, style, depth, level + 1)}`);
  }
  return layout(gen, style, items, '{', '}', level);
}

function arrayText(gen: Gen, style: Style, depth: number, level: number): string {
  const items = Array.from({ length: gen.int(4) }, () => valueText(gen, style, depth, level + 1));
  return layout(gen, style, items, '[', ']', level);
}

function hostEntry(gen: Gen): string {
  switch (gen.int(4)) {
    case 0:
      return `10.${gen.int(256)}.${gen.int(256)}.${gen.int(256)}:${1 + gen.int(65535)}`;
    case 1:
      return `${gen.pick(['reg', 'hub', 'build-box', 'r2d2'])}${gen.int(1000)}.${gen.pick(['lan', 'local', 'example.com'])}${gen.chance(0.7) ? `:${1 + gen.int(65535)}` : ''}`;
    case 2:
      return `192.168.${gen.int(256)}.0/24`;
    default:
      return `[fd00::${gen.int(0xffff).toString(16)}]:${1 + gen.int(65535)}`;
  }
}

function mirrorEntry(gen: Gen): string {
  return `${gen.pick(['https', 'http'])}://mirror${gen.int(100000)}.example.com${gen.chance(0.3) ? '/' : ''}`;
}

/** A document with random unrelated keys and maybe the two lists, placed anywhere among them. */
function documentText(gen: Gen): { text: string; insecure: string[]; mirrors: string[] } {
  const style: Style = {
    indent: gen.pick(['', '  ', '    ', '\t', ' ']),
    eol: gen.pick(['\n', '\r\n']),
    colon: gen.pick([': ', ':', ' : ']),
    comma: gen.pick([' ', '']),
  };
  const insecure = gen.chance(0.6)
    ? unique(Array.from({ length: gen.int(4) }, () => hostEntry(gen)))
    : undefined;
  const mirrors = gen.chance(0.4)
    ? unique(
        Array.from({ length: gen.int(3) }, () => mirrorEntry(gen)),
        true,
      )
    : undefined;
  const others = objectText(gen, style, 1, 0, gen.int(7));
  // Splice the lists into the object text as real properties at random positions.
  const root = parseTree(others) as Node;
  const properties = root.children ?? [];
  const pieces: string[] = properties.map((property) =>
    others.slice(property.offset, property.offset + property.length),
  );
  const listText = (values: string[]): string =>
    layout(
      gen,
      style,
      values.map((value) => stringText(gen, value)),
      '[',
      ']',
      1,
    );
  if (insecure)
    pieces.splice(
      gen.int(pieces.length + 1),
      0,
      `"${INSECURE_REGISTRIES_KEY}"${style.colon}${listText(insecure)}`,
    );
  if (mirrors)
    pieces.splice(
      gen.int(pieces.length + 1),
      0,
      `"${REGISTRY_MIRRORS_KEY}"${style.colon}${listText(mirrors)}`,
    );
  const body = layout(gen, style, pieces, '{', '}', 0);
  const text = (gen.chance(0.2) ? style.eol : '') + body + (gen.chance(0.7) ? style.eol : '');
  return { text, insecure: insecure ?? [], mirrors: mirrors ?? [] };
}

function unique(values: string[], mirror = false): string[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = mirror ? value.toLowerCase().replace(/\/+$/, '') : value.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const NO_EDITS: RegistryEdits = {
  addInsecureRegistries: [],
  removeInsecureRegistries: [],
  addRegistryMirrors: [],
  removeRegistryMirrors: [],
};

/** Spans of the top-level properties other than `edited`, in the text. */
function otherPropertySpans(text: string, edited: string): { key: string; start: number; end: number }[] {
  const root = parseTree(text) as Node;
  return (root.children ?? [])
    .filter((property) => property.children?.[0]?.value !== edited)
    .map((property) => ({
      key: String(property.children?.[0]?.value),
      start: property.offset,
      end: property.offset + property.length,
    }));
}

function changedRegion(before: string, after: string): { start: number; end: number } {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let tail = 0;
  while (
    tail < before.length - start &&
    tail < after.length - start &&
    before[before.length - 1 - tail] === after[after.length - 1 - tail]
  )
    tail++;
  return { start, end: before.length - tail };
}

function withoutKey(value: Record<string, unknown>, key: string): [string, unknown][] {
  return Object.entries(value).filter(([name]) => name !== key);
}

describe('format-preserving editor, fuzzed', () => {
  const DOCUMENTS = 500;
  it(`keeps every other key, value and byte across ${DOCUMENTS} random documents`, () => {
    for (let seed = 1; seed <= DOCUMENTS; seed++) {
      const gen = new Gen(prng(seed));
      const doc = documentText(gen);
      let text = doc.text;
      const lists = {
        [INSECURE_REGISTRIES_KEY]: [...doc.insecure],
        [REGISTRY_MIRRORS_KEY]: [...doc.mirrors],
      };
      const steps = 1 + gen.int(5);
      for (let step = 0; step < steps; step++) {
        const key = gen.chance(0.6) ? INSECURE_REGISTRIES_KEY : REGISTRY_MIRRORS_KEY;
        const list = lists[key];
        const remove = list.length > 0 && gen.chance(0.45);
        let edits: RegistryEdits;
        let expected: string[];
        if (remove) {
          const victim = gen.pick(list);
          expected = list.filter((item) => item !== victim);
          edits =
            key === INSECURE_REGISTRIES_KEY
              ? { ...NO_EDITS, removeInsecureRegistries: [victim] }
              : { ...NO_EDITS, removeRegistryMirrors: [victim] };
        } else {
          const item = key === INSECURE_REGISTRIES_KEY ? hostEntry(gen) : mirrorEntry(gen);
          if (unique([...list, item], key === REGISTRY_MIRRORS_KEY).length === list.length) continue; // a duplicate; refusal is tested elsewhere
          expected = [...list, item];
          edits =
            key === INSECURE_REGISTRIES_KEY
              ? { ...NO_EDITS, addInsecureRegistries: [item] }
              : { ...NO_EDITS, addRegistryMirrors: [item] };
        }
        const context = `seed ${seed}, step ${step}, ${remove ? 'remove from' : 'add to'} ${key}\n--- before:\n${text}`;
        const after = editDaemonConfigText(text, 'fuzz.json', edits);

        const beforeValue = JSON.parse(text.trim() === '' ? '{}' : text) as Record<string, unknown>;
        const afterValue = JSON.parse(after) as Record<string, unknown>;
        expect(afterValue[key], context).toEqual(expected);
        expect(withoutKey(afterValue, key), context).toEqual(withoutKey(beforeValue, key));

        if (text.trim() !== '') {
          const region = changedRegion(text, after);
          for (const span of otherPropertySpans(text, key)) {
            const overlaps = region.start < span.end && region.end > span.start;
            expect(
              overlaps,
              `${context}\nchanged [${region.start}, ${region.end}) overlaps "${span.key}" [${span.start}, ${span.end})\n--- after:\n${after}`,
            ).toBe(false);
          }
          // Line endings stay the file's own: no bare \n slips into a CRLF file.
          if (text.includes('\r\n')) expect(after.replace(/\r\n/g, '').includes('\n'), context).toBe(false);
        }
        lists[key] = expected;
        text = after;
      }
    }
  });

  it('applies several edits in one call the same as one by one', () => {
    for (let seed = 1001; seed <= 1100; seed++) {
      const gen = new Gen(prng(seed));
      const doc = documentText(gen);
      const removeInsecure = doc.insecure.filter(() => gen.chance(0.5));
      const removeMirrors = doc.mirrors.filter(() => gen.chance(0.5));
      const addInsecure = unique([...doc.insecure, hostEntry(gen), hostEntry(gen)]).slice(
        doc.insecure.length,
      );
      const addMirrors = unique([...doc.mirrors, mirrorEntry(gen)], true).slice(doc.mirrors.length);
      const all = {
        addInsecureRegistries: addInsecure,
        removeInsecureRegistries: removeInsecure,
        addRegistryMirrors: addMirrors,
        removeRegistryMirrors: removeMirrors,
      };
      const together = editDaemonConfigText(doc.text, 'fuzz.json', all);
      let oneByOne = doc.text;
      for (const entry of removeInsecure)
        oneByOne = editDaemonConfigText(oneByOne, 'fuzz.json', {
          ...NO_EDITS,
          removeInsecureRegistries: [entry],
        });
      for (const url of removeMirrors)
        oneByOne = editDaemonConfigText(oneByOne, 'fuzz.json', { ...NO_EDITS, removeRegistryMirrors: [url] });
      for (const entry of addInsecure)
        oneByOne = editDaemonConfigText(oneByOne, 'fuzz.json', {
          ...NO_EDITS,
          addInsecureRegistries: [entry],
        });
      for (const url of addMirrors)
        oneByOne = editDaemonConfigText(oneByOne, 'fuzz.json', { ...NO_EDITS, addRegistryMirrors: [url] });
      expect(together, `seed ${seed}`).toBe(oneByOne);
    }
  });
});
