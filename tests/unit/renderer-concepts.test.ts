/** The Tag dialog's drawing of a name's parts (renderer/src/components/dialogs/name-parts.ts). */
import { describe, expect, it } from 'vitest';
import { nameParts } from '../../renderer/src/components/dialogs/name-parts';
import { describeName } from '../../renderer/src/views/images/registry-badge';

const texts = (input: Parameters<typeof nameParts>[0]) =>
  nameParts(input).parts.map(
    (part) => `${part.implied ? '(' : ''}${part.text}${part.implied ? ')' : ''}=${part.label}`,
  );

describe('the parts of an image name', () => {
  it('shows Docker Hub and library as filled in when no host and no user are written', () => {
    expect(texts({ host: 'docker.io', namespace: '', repository: 'myapp', tag: 'v1', local: false })).toEqual(
      [
        '(docker.io)=no host written: Docker Hub',
        '(library)=official images only',
        'myapp=repository',
        'v1=tag (version)',
      ],
    );
  });

  it('names the user on Docker Hub and latest when no tag is written', () => {
    const { parts, destination } = nameParts({
      host: 'docker.io',
      namespace: 'ada',
      repository: 'myapp',
      tag: '',
      local: false,
    });
    expect(parts.map((part) => part.label)).toEqual([
      'no host written: Docker Hub',
      'your Docker ID',
      'repository',
      'no tag written: latest',
    ]);
    expect(destination).toBe('A push sends it to Docker Hub, the default registry.');
  });

  it('says a local name goes to Berth’s registry, and leaves out an empty user elsewhere', () => {
    const { parts, destination } = nameParts({
      host: 'localhost:5000',
      namespace: '',
      repository: 'myapp',
      tag: 'v1',
      local: true,
    });
    expect(parts.map((part) => part.text)).toEqual(['localhost:5000', 'myapp', 'v1']);
    expect(destination).toBe('A push sends it to Berth’s local registry at localhost:5000.');
  });
});

describe('the registry badge on an image row', () => {
  it('says a name with no host would be pushed to Docker Hub, not that it came from there', () => {
    const badge = describeName('myapp:v1', 5000);
    expect(badge.registry).toBe('Docker Hub');
    expect(badge.tooltip).toBe(
      "Where a push of this name would go: it has no registry host, so Docker means Docker Hub (docker.io/library/myapp:v1). It doesn't say where the image came from.",
    );
  });

  it("names Berth's local registry for localhost or 127.0.0.1 on its port, and any other host as it is", () => {
    expect(describeName('127.0.0.1:5000/myapp:v1', 5000).tooltip).toBe(
      "Where a push of this name goes: Berth's local registry at 127.0.0.1:5000.",
    );
    expect(describeName('localhost:5001/myapp:v1', 5000).tooltip).toBe(
      'Where a push of this name goes: the registry at localhost:5001.',
    );
    expect(describeName('ghcr.io/ada/myapp:v1').registry).toBe('ghcr.io');
  });
});
