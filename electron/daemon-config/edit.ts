/**
 * Format-preserving edits of `insecure-registries` and `registry-mirrors`: only the bytes of the list
 * being changed move; every other key, its value, the key order, indentation and line endings stay
 * byte-identical.
 *
 * Why not jsonc-parser's `modify`: with formatting options it reformats every whole line an edit touches
 * (a one-line file gets re-indented entirely), and without them its removal of a list's last item
 * produces `["a""]` (jsonc-parser 3.3.1). So we compute the few edits ourselves from the syntax tree,
 * copying the separators the file already uses, and apply them with jsonc-parser's `applyEdits`.
 */
import { applyEdits, type Edit, type Node } from 'jsonc-parser';
import { AppError } from '../api/app-error';
import { INSECURE_REGISTRIES_KEY, REGISTRY_MIRRORS_KEY, parseDaemonConfigText, parseStrict } from './read';
import { checkInsecureRegistry, checkMirror, sameMirror, sameRegistryEntry } from './validate';

/** What to change. Removals run before additions, so "replace" is remove + add. */
export interface RegistryEdits {
  addInsecureRegistries: string[];
  removeInsecureRegistries: string[];
  addRegistryMirrors: string[];
  removeRegistryMirrors: string[];
}

/**
 * The new text after the edits. Throws INVALID_INPUT (with one issue per bad entry, saying why) for an
 * invalid entry, a duplicate, or a removal of something not in the list; DAEMON_CONFIG_INVALID when the
 * text itself is not valid.
 */
export function editDaemonConfigText(text: string, path: string, edits: RegistryEdits): string {
  const current = parseDaemonConfigText(text, path);
  checkEdits(current, edits);
  let result = text;
  for (const entry of edits.removeInsecureRegistries)
    result = removeItem(result, path, INSECURE_REGISTRIES_KEY, (v) => sameRegistryEntry(v, entry));
  for (const url of edits.removeRegistryMirrors)
    result = removeItem(result, path, REGISTRY_MIRRORS_KEY, (v) => sameMirror(v, url));
  for (const entry of edits.addInsecureRegistries)
    result = appendItem(result, path, INSECURE_REGISTRIES_KEY, entry);
  for (const url of edits.addRegistryMirrors) result = appendItem(result, path, REGISTRY_MIRRORS_KEY, url);
  // A wrong edit here would break someone's Docker; prove the result parses and says what was asked.
  parseDaemonConfigText(result, path);
  return result;
}

function checkEdits(
  current: { insecureRegistries: string[]; registryMirrors: string[] },
  edits: RegistryEdits,
): void {
  const issues: { path: string; message: string }[] = [];
  const lists = [
    {
      field: 'addInsecureRegistries',
      add: true,
      items: edits.addInsecureRegistries,
      key: INSECURE_REGISTRIES_KEY,
      have: current.insecureRegistries,
      same: sameRegistryEntry,
    },
    {
      field: 'removeInsecureRegistries',
      add: false,
      items: edits.removeInsecureRegistries,
      key: INSECURE_REGISTRIES_KEY,
      have: current.insecureRegistries,
      same: sameRegistryEntry,
    },
    {
      field: 'addRegistryMirrors',
      add: true,
      items: edits.addRegistryMirrors,
      key: REGISTRY_MIRRORS_KEY,
      have: current.registryMirrors,
      same: sameMirror,
    },
    {
      field: 'removeRegistryMirrors',
      add: false,
      items: edits.removeRegistryMirrors,
      key: REGISTRY_MIRRORS_KEY,
      have: current.registryMirrors,
      same: sameMirror,
    },
  ];
  for (const { field, add, items, key, have, same } of lists) {
    items.forEach((item, index) => {
      const where = `${field}.${index}`;
      if (add) {
        const check = key === INSECURE_REGISTRIES_KEY ? checkInsecureRegistry(item) : checkMirror(item);
        if (!check.ok) issues.push({ path: where, message: check.reason });
        else if (have.some((existing) => same(existing, item)))
          issues.push({ path: where, message: `"${item}" is already in ${key}.` });
        else if (items.slice(0, index).some((earlier) => same(earlier, item)))
          issues.push({ path: where, message: `"${item}" is listed twice.` });
      } else if (!have.some((existing) => same(existing, item))) {
        issues.push({ path: where, message: `"${item}" is not in ${key}, so there is nothing to remove.` });
      }
    });
  }
  if (issues.length > 0) {
    throw new AppError('INVALID_INPUT', issues.map((issue) => issue.message).join(' '), { issues });
  }
}

/** Line ending, one level of indentation and the key/value separator the file already uses. */
export interface Layout {
  eol: string;
  indent: string;
  colon: string;
}

/** Read the layout from the text itself; two-space indentation and `: ` when it has none yet. */
export function detectLayout(text: string, root: Node | undefined): Layout {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indentMatch = /\n([ \t]+)\S/.exec(text);
  const indent = indentMatch?.[1] ?? '  ';
  let colon = ': ';
  const first = root?.children?.find((property) => property.children?.length === 2);
  const [key, value] = first?.children ?? [];
  if (key && value) colon = text.slice(key.offset + key.length, value.offset);
  return { eol, indent, colon };
}

function appendItem(text: string, path: string, key: string, item: string): string {
  const root = parseStrict(text, path);
  const layout = detectLayout(text, root);
  const itemText = JSON.stringify(item);
  const array = root ? valueOf(root, key) : undefined;
  if (!root || !array)
    return addProperty(text, root, `${JSON.stringify(key)}${layout.colon}[${itemText}]`, layout);
  const items = array.children ?? [];
  const last = items.at(-1);
  let edit: Edit;
  if (!last) {
    // `[]` or `[ ]`: the list's inside becomes the one item.
    edit = { offset: array.offset + 1, length: array.length - 2, content: itemText };
  } else {
    edit = { offset: end(last), length: 0, content: itemSeparator(text, array.offset, items) + itemText };
  }
  return applyEdits(text, [edit]);
}

function addProperty(text: string, root: Node | undefined, property: string, layout: Layout): string {
  if (!root) {
    // Missing or blank file: a fresh, conventional document.
    return `{${layout.eol}${layout.indent}${property}${layout.eol}}${layout.eol}`;
  }
  const properties = root.children ?? [];
  const last = properties.at(-1);
  if (!last) {
    return applyEdits(text, [
      {
        offset: root.offset + 1,
        length: root.length - 2,
        content: `${layout.eol}${layout.indent}${property}${layout.eol}`,
      },
    ]);
  }
  return applyEdits(text, [
    { offset: end(last), length: 0, content: itemSeparator(text, root.offset, properties) + property },
  ]);
}

/**
 * The separator to put before a new last item: a copy of the one between the last two items
 * (`,\n    ` or `, `), or, with one item, a comma plus the whitespace that precedes it after the bracket.
 */
function itemSeparator(text: string, containerOffset: number, items: Node[]): string {
  const last = items.at(-1);
  const previous = items.at(-2);
  if (last && previous) return text.slice(end(previous), last.offset);
  const lead = last ? text.slice(containerOffset + 1, last.offset) : '';
  return lead.includes('\n') ? `,${lead}` : ', ';
}

/** Removes every item of the array at `key` that `matches` (an entry listed twice goes entirely). */
function removeItem(text: string, path: string, key: string, matches: (value: string) => boolean): string {
  for (let result = text; ;) {
    const next = removeFirstItem(result, path, key, matches);
    if (next === result) return result;
    result = next;
  }
}

function removeFirstItem(
  text: string,
  path: string,
  key: string,
  matches: (value: string) => boolean,
): string {
  const root = parseStrict(text, path);
  const array = root ? valueOf(root, key) : undefined;
  const items = array?.children ?? [];
  const index = items.findIndex((item) => typeof item.value === 'string' && matches(item.value));
  const target = items[index];
  if (!array || !target) return text;
  let edit: Edit;
  if (items.length === 1) {
    edit = { offset: array.offset + 1, length: array.length - 2, content: '' };
  } else if (index === items.length - 1) {
    // The last item goes with the separator before it.
    const previous = items[index - 1] as Node;
    edit = { offset: end(previous), length: end(target) - end(previous), content: '' };
  } else {
    // Any other item goes with the separator after it, so the next item takes its place and layout.
    const next = items[index + 1] as Node;
    edit = { offset: target.offset, length: next.offset - target.offset, content: '' };
  }
  return applyEdits(text, [edit]);
}

function valueOf(root: Node, key: string): Node | undefined {
  return root.children?.find((property) => property.children?.[0]?.value === key)?.children?.[1];
}

function end(node: Node): number {
  return node.offset + node.length;
}
