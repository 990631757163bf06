/**
 * The Copy part of the Tag dialog (issue 21): what is copied from where, the platforms of an index
 * (all of it as it is, or chosen ones in a new index whose digest then changes), whether signatures and
 * SBOMs (referrers) go too, and the skopeo command with the same outcome.
 */
import { useEffect, useState } from 'react';
import type { TagDetails } from '../../../../electron/api/contract/remote';
import { copyCommand, isLoopbackHost, sourceReference } from '../../../../electron/common/copy-command';
import { api } from '../../api/client';
import { CommandLine } from '../CommandLine';

/** Where a copy reads from. */
export interface CopySource {
  host: string;
  repository: string;
  /** A tag (or a digest). */
  reference: string;
}

/** A built name as a copy's target: the registry host, the repository path, the tag. */
export function copyTarget(reference: { domain: string; path: string; tag?: string | undefined }) {
  return { host: reference.domain, repository: reference.path, tag: reference.tag ?? 'latest' };
}

/** What the user chose beside the name. */
export interface CopyChoices {
  /** Undefined: the whole index (or the image) as it is. */
  platforms?: string[] | undefined;
  referrers: boolean;
}

export function CopyOptions({
  source,
  target,
  choices,
  onChange,
}: {
  source: CopySource;
  /** The target as the fields spell it, once valid. */
  target: { domain: string; path: string; tag?: string | undefined } | undefined;
  choices: CopyChoices;
  onChange: (choices: CopyChoices) => void;
}) {
  const [details, setDetails] = useState<TagDetails | 'failed' | undefined>(undefined);
  useEffect(() => {
    let live = true;
    api
      .call('remote.tagDetails', { host: source.host, repository: source.repository, tag: source.reference })
      .then(
        (answer) => live && setDetails(answer),
        () => live && setDetails('failed'),
      );
    return () => {
      live = false;
    };
  }, [source.host, source.repository, source.reference]);

  const platforms =
    details !== undefined && details !== 'failed' && details.kind === 'index' ? details.platforms : [];
  const chosen = choices.platforms ?? platforms.map((entry) => entry.platform);
  const toggle = (platform: string, on: boolean) => {
    const next = platforms
      .map((entry) => entry.platform)
      .filter((name) => (name === platform ? on : chosen.includes(name)));
    onChange({ ...choices, platforms: next.length === platforms.length ? undefined : next });
  };
  const none = platforms.length > 0 && chosen.length === 0;

  return (
    <div className="copy-options">
      <p className="field-help">
        From <span className="mono">{sourceReference({ source })}</span>
        {details === undefined
          ? ' (reading it…)'
          : details === 'failed'
            ? ''
            : details.kind === 'index'
              ? `: an index of ${platforms.length} platform${platforms.length === 1 ? '' : 's'}.`
              : ': one image; its manifest is copied byte for byte (the same digest).'}
      </p>
      {platforms.length > 0 && (
        <fieldset className="copy-platforms">
          <legend>Platforms</legend>
          {platforms.map((entry) => (
            <label key={entry.digest} className="copy-platform">
              <input
                type="checkbox"
                checked={chosen.includes(entry.platform)}
                onChange={(event) => toggle(entry.platform, event.target.checked)}
              />{' '}
              <span className="mono">{entry.platform}</span>
            </label>
          ))}
          <p className={`field-help${none ? ' field-error' : ''}`} role={none ? 'alert' : undefined}>
            {none
              ? 'Choose at least one platform.'
              : choices.platforms === undefined
                ? 'All of them: the index is copied as it is, with the same digest.'
                : 'Berth writes a new index listing only these platforms: its digest differs from the source’s (each platform’s image keeps its own).'}
          </p>
        </fieldset>
      )}
      <label className="copy-referrers">
        <input
          type="checkbox"
          checked={choices.referrers}
          onChange={(event) => onChange({ ...choices, referrers: event.target.checked })}
        />{' '}
        Include signatures and SBOMs (referrers)
      </label>
      {target && (
        <CommandLine
          label="Same result with the CLI"
          cli={{
            command: copyCommand(
              { source, target: copyTarget(target), platforms: choices.platforms },
              { source: isLoopbackHost(source.host), target: isLoopbackHost(target.domain) },
            ),
            explanation: 'Copies registry to registry, without Docker.',
          }}
        />
      )}
    </div>
  );
}
