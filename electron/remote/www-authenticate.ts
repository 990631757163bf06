/**
 * `WWW-Authenticate` as registries send it (RFC 7235): one or more challenges, each a scheme and
 * `key="value"` parameters, e.g. `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",
 * scope="repository:library/nginx:pull"` or `Basic realm="Registry Realm"`. Values may be quoted (with
 * `\` escapes) or bare tokens; a comma separates both parameters and challenges.
 */

export interface Challenge {
  /** Lowercase: `basic`, `bearer`. */
  scheme: string;
  /** Parameter names lowercased. */
  params: Record<string, string>;
}

/** Every challenge in the header, in order; an empty or unreadable header gives []. */
export function parseWwwAuthenticate(header: string | null | undefined): Challenge[] {
  if (!header) return [];
  const challenges: Challenge[] = [];
  let index = 0;
  const text = header;
  const skipSpace = () => {
    while (index < text.length && /[\s,]/.test(text[index]!)) index += 1;
  };
  const readToken = (): string => {
    const start = index;
    while (index < text.length && /[!#$%&'*+.^_`|~0-9A-Za-z/:-]/.test(text[index]!)) index += 1;
    return text.slice(start, index);
  };
  let current: Challenge | undefined;
  while (index < text.length) {
    skipSpace();
    const start = index;
    const word = readToken();
    if (word === '') {
      index += 1;
      continue;
    }
    let afterWord = index;
    while (afterWord < text.length && text[afterWord] === ' ') afterWord += 1;
    if (text[afterWord] === '=' && current) {
      // A parameter of the current challenge.
      index = afterWord + 1;
      while (index < text.length && text[index] === ' ') index += 1;
      let value = '';
      if (text[index] === '"') {
        index += 1;
        while (index < text.length && text[index] !== '"') {
          if (text[index] === '\\' && index + 1 < text.length) index += 1;
          value += text[index];
          index += 1;
        }
        index += 1;
      } else {
        const valueStart = index;
        while (index < text.length && text[index] !== ',') index += 1;
        value = text.slice(valueStart, index).trim();
      }
      current.params[word.toLowerCase()] = value;
    } else {
      // A new challenge's scheme (a token68 after it, as some servers send, is ignored).
      if (start === index) index += 1;
      current = { scheme: word.toLowerCase(), params: {} };
      challenges.push(current);
    }
  }
  return challenges;
}
