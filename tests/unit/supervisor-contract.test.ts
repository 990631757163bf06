/** The registry contract refuses names and tags outside the OCI Distribution grammar. */
import { describe, expect, it } from 'vitest';
import { registryCommands, repositoryNameSchema, tagSchema } from '../../electron/api/contract/registry';

describe('registry contract', () => {
  it.each(['app', 'team/app', 'a.b_c__d---e/f0', 'library/ubuntu', `${'a'.repeat(255)}`])(
    'accepts the name %s',
    (name) => {
      expect(repositoryNameSchema.safeParse(name).success).toBe(true);
    },
  );

  it.each([
    '',
    'App',
    '../etc',
    'team//app',
    '/app',
    'app/',
    'a..b',
    'a___b',
    '-app',
    'app-',
    'a b',
    'a:b',
    `${'a'.repeat(256)}`,
  ])('refuses the name %j', (name) => {
    expect(repositoryNameSchema.safeParse(name).success).toBe(false);
  });

  it.each(['latest', '1.0', 'v1.2.3-rc.1', '_x', 'A_B', 'x'.repeat(128)])('accepts the tag %s', (tag) => {
    expect(tagSchema.safeParse(tag).success).toBe(true);
  });

  it.each(['', '.hidden', '-x', 'a/b', 'a:b', 'x'.repeat(129), 'é'])('refuses the tag %j', (tag) => {
    expect(tagSchema.safeParse(tag).success).toBe(false);
  });

  it('validates deleteTag input and start ports', () => {
    const deleteTag = registryCommands['registry.deleteTag'].input;
    expect(deleteTag.safeParse({ repository: 'team/app', tag: '1.0' }).success).toBe(true);
    expect(deleteTag.safeParse({ repository: 'Team/app', tag: '1.0' }).success).toBe(false);
    expect(deleteTag.safeParse({ repository: 'team/app', tag: '../x' }).success).toBe(false);
    const start = registryCommands['registry.start'].input;
    expect(start.safeParse({}).success).toBe(true);
    expect(start.safeParse({ port: 5001 }).success).toBe(true);
    expect(start.safeParse({ port: 0 }).success).toBe(false);
    expect(start.safeParse({ port: 70000 }).success).toBe(false);
  });
});
