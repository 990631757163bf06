/**
 * What beginners type where a registry host or a tag goes: a registry pasted as a URL is read as its
 * host (and http:// noted as no TLS), and a ':' or a space in a tag is the tag's fault, said plainly.
 */
import { describe, expect, it } from 'vitest';
import { readTypedRegistryHost, tagProblem } from '../../electron/common/reference';
import { registryHostProblem } from '../../renderer/src/components/dialogs/registry-choices';

describe('a registry typed as a URL', () => {
  it('drops the scheme and the trailing slash, and remembers that http:// means no TLS', () => {
    expect(readTypedRegistryHost('http://198.18.7.2:5000/')).toEqual({
      host: '198.18.7.2:5000',
      plainHttp: true,
    });
    expect(readTypedRegistryHost(' https://ghcr.io ')).toEqual({ host: 'ghcr.io', plainHttp: false });
    expect(readTypedRegistryHost('HTTP://Reg.lan:443/v2/')).toEqual({ host: 'Reg.lan:443', plainHttp: true });
    expect(readTypedRegistryHost('registry.example.com:5000')).toEqual({
      host: 'registry.example.com:5000',
      plainHttp: false,
    });
  });

  it('is accepted by Add registry (it used to say "the port in \'http:\' must be a number")', () => {
    expect(registryHostProblem('http://198.18.7.2:5000/')).toBeUndefined();
    expect(registryHostProblem('https://ghcr.io')).toBeUndefined();
    expect(registryHostProblem('http://')).toMatch(/type the registry host/);
    expect(registryHostProblem('registry_one:5000')).toMatch(/may only contain/);
  });
});

describe('tagProblem', () => {
  it('blames the tag for a colon or a space, in words a beginner can act on', () => {
    expect(tagProblem('v1:beta')).toMatch(/a tag can't contain ':'/);
    expect(tagProblem('v 1')).toMatch(/spaces are not allowed in a tag/);
    expect(tagProblem('-beta')).toBe("a tag must start with a letter, a digit or '_', not '-'");
    expect(tagProblem('1.0')).toBeUndefined();
  });
});
