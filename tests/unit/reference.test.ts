import { describe, expect, it } from 'vitest';
import {
  buildReference,
  normalizeRegistryHost,
  parseReference,
  registryHostOf,
} from '../../electron/common/reference';

const sha = 'a'.repeat(64);

// [input, normalized, familiar, domain, path]. Cases marked (cli) were checked against `docker tag` (CLI 28, daemon 20.10).
const valid: [string, string, string, string, string][] = [
  ['nginx', 'docker.io/library/nginx:latest', 'nginx', 'docker.io', 'library/nginx'],
  ['nginx:1.25', 'docker.io/library/nginx:1.25', 'nginx:1.25', 'docker.io', 'library/nginx'],
  ['library/nginx', 'docker.io/library/nginx:latest', 'nginx', 'docker.io', 'library/nginx'],
  ['docker.io/nginx', 'docker.io/library/nginx:latest', 'nginx', 'docker.io', 'library/nginx'],
  ['index.docker.io/nginx', 'docker.io/library/nginx:latest', 'nginx', 'docker.io', 'library/nginx'], // (cli)
  ['index.docker.io/user/app:2', 'docker.io/user/app:2', 'user/app:2', 'docker.io', 'user/app'],
  ['user/app', 'docker.io/user/app:latest', 'user/app', 'docker.io', 'user/app'],
  ['user/team/app:v1', 'docker.io/user/team/app:v1', 'user/team/app:v1', 'docker.io', 'user/team/app'],
  ['localhost/app', 'localhost/app:latest', 'localhost/app', 'localhost', 'app'], // (cli)
  ['localhost:5000/app', 'localhost:5000/app:latest', 'localhost:5000/app', 'localhost:5000', 'app'],
  ['localhost:5000', 'docker.io/library/localhost:5000', 'localhost:5000', 'docker.io', 'library/localhost'], // (cli) tag 5000
  [
    '127.0.0.1:5000/team/app:1.0',
    '127.0.0.1:5000/team/app:1.0',
    '127.0.0.1:5000/team/app:1.0',
    '127.0.0.1:5000',
    'team/app',
  ],
  [
    'registry.example.com/app',
    'registry.example.com/app:latest',
    'registry.example.com/app',
    'registry.example.com',
    'app',
  ],
  ['Foo.com/app', 'Foo.com/app:latest', 'Foo.com/app', 'Foo.com', 'app'], // (cli) hosts may be uppercase
  [
    'my-registry.local:443/a/b/c',
    'my-registry.local:443/a/b/c:latest',
    'my-registry.local:443/a/b/c',
    'my-registry.local:443',
    'a/b/c',
  ],
  ['[::1]:5000/app:1', '[::1]:5000/app:1', '[::1]:5000/app:1', '[::1]:5000', 'app'],
  ['[fe80::1]/app', '[fe80::1]/app:latest', '[fe80::1]/app', '[fe80::1]', 'app'],
  ['a__b', 'docker.io/library/a__b:latest', 'a__b', 'docker.io', 'library/a__b'], // (cli)
  ['a_b.c-d', 'docker.io/library/a_b.c-d:latest', 'a_b.c-d', 'docker.io', 'library/a_b.c-d'],
  ['a---b', 'docker.io/library/a---b:latest', 'a---b', 'docker.io', 'library/a---b'],
  ['app:_tag', 'docker.io/library/app:_tag', 'app:_tag', 'docker.io', 'library/app'],
  ['app:V1.0-rc_2', 'docker.io/library/app:V1.0-rc_2', 'app:V1.0-rc_2', 'docker.io', 'library/app'],
  [
    `app:${'t'.repeat(128)}`,
    `docker.io/library/app:${'t'.repeat(128)}`,
    `app:${'t'.repeat(128)}`,
    'docker.io',
    'library/app',
  ],
  [
    `app@sha256:${sha}`,
    `docker.io/library/app@sha256:${sha}`,
    `app@sha256:${sha}`,
    'docker.io',
    'library/app',
  ],
  [
    `app:1@sha256:${sha}`,
    `docker.io/library/app:1@sha256:${sha}`,
    `app:1@sha256:${sha}`,
    'docker.io',
    'library/app',
  ],
  ['0/1', 'docker.io/0/1:latest', '0/1', 'docker.io', '0/1'],
];

// [input, part, reason (substring)]
const invalid: [string, string, string][] = [
  ['', 'name', 'the image name is empty'],
  ['my app', 'name', 'spaces are not allowed'],
  [sha, 'name', 'is an image ID, not a name'],
  [
    'MyApp',
    'path',
    "uppercase letters are not allowed in the repository name (use 'myapp' instead of 'MyApp')",
  ],
  ['MyOrg/app', 'path', "(use 'myorg/app' instead of 'MyOrg/app')"], // daemon 20.10: must be lowercase
  ['localhost:5000/MyApp:1', 'path', "(use 'myapp' instead of 'MyApp')"],
  ['a..b', 'path', 'separators Docker does not accept'], // (cli)
  ['a___b', 'path', 'separators Docker does not accept'], // (cli)
  ['a_.b', 'path', 'separators Docker does not accept'],
  ['-app', 'path', "'-app' must start and end with a lowercase letter or digit"],
  ['app-', 'path', "'app-' must start and end"],
  ['.app', 'path', 'must start and end'],
  ['app!', 'path', "'!' is not allowed in the repository name"],
  ['team/ap$p', 'path', "'$' is not allowed"],
  ['a//b', 'path', 'has an empty part'],
  ['localhost:5000/', 'path', 'has an empty part'],
  ['app:', 'tag', 'the tag after ":" is empty'],
  ['a/b:-x', 'tag', "a tag must start with a letter, a digit or '_', not '-'"], // (cli)
  ['app:.x', 'tag', "not '.'"],
  ['app:v1+2', 'tag', "'+' is not allowed in a tag"],
  [`app:${'t'.repeat(129)}`, 'tag', 'the tag is 129 characters long; Docker allows at most 128'],
  ['nginx@sha256:abc', 'digest', 'is not a digest'], // (cli)
  [`nginx@sha256:${'a'.repeat(63)}`, 'digest', 'has 64 hexadecimal digits, this one has 63'],
  [`nginx@md5:${'a'.repeat(32)}`, 'digest', "the digest algorithm 'md5' is not supported"],
  [`nginx@sha256:${'A'.repeat(64)}`, 'digest', 'lowercase hexadecimal'],
  ['nginx@', 'digest', 'is not a digest'],
  [':tag', 'name', 'the repository name is missing'],
  ['localhost:abc/app', 'domain', 'the port in'],
  ['my_host.com/app', 'domain', "the registry host 'my_host.com' may only contain"],
  ['-bad.com/app', 'domain', 'must start and end with a letter or digit'],
  ['bad..com/app', 'domain', 'empty part between dots'],
  ['[zz::1]:5000/app', 'domain', 'is not a valid IPv6 address'],
  [`${'a'.repeat(250)}.com/app`, 'name', 'Docker allows at most 255'],
  [`user/${'a'.repeat(250)}`, 'name', 'the full name is 265 characters long'],
];

describe('parseReference: valid names', () => {
  it.each(valid)('%s', (input, normalized, familiar, domain, path) => {
    const result = parseReference(input);
    expect(result).toMatchObject({ ok: true, ref: { normalized, familiar, domain, path } });
  });
  it('keeps the tag and digest apart', () => {
    const result = parseReference(`127.0.0.1:5000/app:2@sha256:${sha}`);
    expect(result.ok && result.ref.tag).toBe('2');
    expect(result.ok && result.ref.digest).toBe(`sha256:${sha}`);
    expect(result.ok && result.ref.name).toBe('127.0.0.1:5000/app');
  });
  it('has no tag when none was written (normalized adds latest)', () => {
    const result = parseReference('nginx');
    expect(result.ok && result.ref.tag).toBeUndefined();
  });
});

describe('parseReference: invalid names, with the exact reason', () => {
  it.each(invalid)('%s', (input, part, reason) => {
    const result = parseReference(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.part).toBe(part);
    expect(result.reason).toContain(reason);
  });
});

describe('buildReference', () => {
  it('builds a local registry name', () => {
    const result = buildReference({
      registry: 'localhost:5000',
      namespace: 'team',
      repository: 'app',
      tag: '1.0',
    });
    expect(result).toMatchObject({ ok: true, ref: { normalized: 'localhost:5000/team/app:1.0' } });
  });
  it('treats an empty registry as Docker Hub and keeps a dotted namespace a namespace', () => {
    const result = buildReference({ registry: '', namespace: 'my.team', repository: 'app' });
    expect(result).toMatchObject({
      ok: true,
      ref: { domain: 'docker.io', path: 'my.team/app', familiar: 'my.team/app' },
    });
  });
  it('puts official images in library/', () => {
    expect(buildReference({ repository: 'nginx', tag: 'alpine' })).toMatchObject({
      ok: true,
      ref: { normalized: 'docker.io/library/nginx:alpine' },
    });
  });
  it('reports the part that is wrong', () => {
    expect(buildReference({ registry: 'localhost:5000', repository: 'MyApp' })).toMatchObject({
      ok: false,
      part: 'path',
    });
    expect(buildReference({ registry: 'localhost:5000', repository: 'app', tag: '-1' })).toMatchObject({
      ok: false,
      part: 'tag',
    });
    expect(buildReference({ registry: 'localhost:5000', repository: ' ' })).toMatchObject({
      ok: false,
      part: 'path',
    });
  });
});

describe('registry hosts', () => {
  it('finds the registry of a reference', () => {
    expect(registryHostOf('nginx')).toBe('docker.io');
    expect(registryHostOf('index.docker.io/x/y')).toBe('docker.io');
    expect(registryHostOf('127.0.0.1:5000/app:1')).toBe('127.0.0.1:5000');
    expect(registryHostOf('NOPE')).toBeUndefined();
  });
  it('treats the Docker Hub spellings as one', () => {
    for (const host of [
      'index.docker.io',
      'https://index.docker.io/v1/',
      'docker.io',
      'registry-1.docker.io',
      '',
    ]) {
      expect(normalizeRegistryHost(host)).toBe('docker.io');
    }
    expect(normalizeRegistryHost('http://LocalHost:5000/')).toBe('localhost:5000');
  });
});
