/**
 * The Tag dialog: builds `[registry]/[namespace]/[repository]:[tag]` from labelled parts, each with a
 * one-line explanation, shows the full name live and how Docker normalises it, and puts Docker's
 * grammar's exact reason under the field it is about. "Tag and push" tags, then starts the push.
 */
import { useMemo, useState, type FormEvent } from 'react';
import type { AppErrorData } from '../../../../electron/api/contract';
import {
  buildReference,
  DEFAULT_TAG,
  DOCKER_HUB_DOMAIN,
  parseReference,
  readTypedRegistryHost,
  tagProblem,
} from '../../../../electron/common/reference';
import { api, errorData } from '../../api/client';
import { useAppStore } from '../../stores/app-store';
import { useRemoteRegistriesStore } from '../../stores/remote-registries-store';
import { useRegistryStore } from '../../stores/registry-store';
import { pushImage } from '../../stores/transfers-store';
import { ErrorWithFix } from '../ErrorWithFix';
import { Field } from '../Field';
import { Dialog } from './Dialog';
import type { TagDialogRequest } from './dialog-store';
import { choiceForHost, OTHER_REGISTRY, registryChoices } from './registry-choices';
import { pushCommand, tagCommand } from '../../cli-commands';
import { CommandLine } from '../CommandLine';
import { NameParts } from './NameParts';
import { CopyOptions, copyTarget, type CopyChoices } from './CopyOptions';
import { useTransfersStore } from '../../stores/transfers-store';

type NamePart = 'registry' | 'namespace' | 'repository' | 'tag';

interface Prefill {
  registry: string;
  otherHost: string;
  namespace: string;
  repository: string;
  tag: string;
}

/** Split the source name into the dialog's fields (an image ID gives empty fields). */
function prefillFrom(source: string): Omit<Prefill, 'registry' | 'otherHost'> & { host: string | undefined } {
  const parsed = parseReference(source);
  if (!parsed.ok) return { host: undefined, namespace: '', repository: '', tag: DEFAULT_TAG };
  const components = parsed.ref.path.split('/');
  const repository = components.pop() ?? '';
  let namespace = components.join('/');
  if (parsed.ref.domain === DOCKER_HUB_DOMAIN && namespace === 'library') namespace = '';
  return { host: parsed.ref.domain, namespace, repository, tag: parsed.ref.tag ?? DEFAULT_TAG };
}

export function TagDialog({ request, onClose }: { request: TagDialogRequest; onClose: () => void }) {
  const localStatus = useRegistryStore((state) => state.status);
  const saved = useRemoteRegistriesStore((state) => state.saved);
  const logins = useRemoteRegistriesStore((state) => state.logins);
  const notify = useAppStore((state) => state.notify);
  const choices = useMemo(
    () =>
      registryChoices({
        localPort: localStatus?.port,
        localRunning: localStatus?.state === 'running',
        saved,
        logins,
      }),
    [localStatus?.port, localStatus?.state, saved, logins],
  );

  const [fields, setFields] = useState<Prefill>(() => {
    const from = prefillFrom(request.source);
    let registry =
      request.registry ??
      (from.host !== undefined && from.host !== DOCKER_HUB_DOMAIN
        ? choiceForHost(choices, from.host)
        : 'local');
    if (!choices.some((choice) => choice.value === registry)) registry = choices[0]?.value ?? OTHER_REGISTRY;
    const choice = choices.find((entry) => entry.value === registry);
    const otherHost =
      registry === OTHER_REGISTRY && from.host !== undefined && from.host !== DOCKER_HUB_DOMAIN
        ? from.host
        : '';
    return {
      registry,
      otherHost,
      namespace: choice?.namespace ?? from.namespace,
      repository: from.repository,
      tag: from.tag,
    };
  });
  const [busy, setBusy] = useState<TagDialogRequest['intent'] | undefined>(undefined);
  // A copy between registries (issue 21) names its target with these same fields.
  const copying = request.intent === 'copy' ? request.copy : undefined;
  const [copyChoices, setCopyChoices] = useState<CopyChoices>({ referrers: false });
  const [failure, setFailure] = useState<AppErrorData | undefined>(undefined);

  const choice = choices.find((entry) => entry.value === fields.registry) ?? choices[choices.length - 1]!;
  const typedHost = readTypedRegistryHost(fields.otherHost);
  const host = choice.value === OTHER_REGISTRY ? typedHost.host : choice.host;

  const validation = useMemo(() => {
    const errors: Partial<Record<NamePart, string>> = {};
    const registry = host || DOCKER_HUB_DOMAIN;
    if (choice.value === OTHER_REGISTRY && host === '')
      errors.registry = 'type the registry host, e.g. registry.example.com:5000';
    // Check the namespace and the repository each on its own first, so a reason lands under its field.
    if (fields.namespace.trim() !== '') {
      const namespaceOnly = buildReference({ registry, namespace: fields.namespace, repository: 'x' });
      if (!namespaceOnly.ok && namespaceOnly.part !== 'domain') errors.namespace = namespaceOnly.reason;
    }
    const repositoryOnly = buildReference({ registry, repository: fields.repository });
    if (!repositoryOnly.ok && repositoryOnly.part !== 'domain') errors.repository = repositoryOnly.reason;
    // The tag alone too: a ':' or a space in it would otherwise read as a bad repository name.
    const tag = fields.tag.trim();
    if (tag !== '') errors.tag = tagProblem(tag);
    if (errors.tag === undefined) delete errors.tag;
    const result = buildReference({
      registry,
      namespace: fields.namespace,
      repository: fields.repository,
      tag: fields.tag,
    });
    if (!result.ok && Object.keys(errors).length === 0) {
      const field: NamePart =
        result.part === 'domain'
          ? 'registry'
          : result.part === 'tag'
            ? 'tag'
            : errors.namespace
              ? 'namespace'
              : 'repository';
      errors[field] ??= result.reason;
    }
    return { errors, reference: result.ok && Object.keys(errors).length === 0 ? result.ref : undefined };
  }, [choice.value, host, fields.namespace, fields.repository, fields.tag]);

  const set = (field: keyof Prefill, value: string) => {
    setFailure(undefined);
    setFields((previous) => {
      const next = { ...previous, [field]: value };
      if (field === 'registry') {
        const picked = choices.find((entry) => entry.value === value);
        if (picked?.namespace) next.namespace = picked.namespace;
      }
      return next;
    });
  };

  const submit = async (intent: TagDialogRequest['intent']) => {
    const reference = validation.reference;
    // Enter pressed again while the first submit runs must not tag and push twice.
    if (!reference || busy) return;
    setBusy(intent);
    setFailure(undefined);
    if (copying) {
      if (copyChoices.platforms?.length === 0) return setBusy(undefined);
      // One that could not start says why in the transfers panel, as a push's does.
      await useTransfersStore
        .getState()
        .copy({ source: copying, target: copyTarget(reference), ...copyChoices });
      return onClose();
    }
    try {
      const { target } = await api.call('images.tag', {
        source: request.source,
        target: reference.normalized,
      });
      if (intent === 'push') {
        await pushImage(target);
      } else {
        notify({
          level: 'success',
          title: `Tagged ${reference.familiar}`,
          detail: `Docker calls it ${reference.normalized}.`,
        });
      }
      onClose();
    } catch (error) {
      setFailure(errorData(error));
    } finally {
      setBusy(undefined);
    }
  };

  const primary = request.intent;
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submit(primary);
  };
  const reference = validation.reference;
  // What the parts spell while they are not valid yet, so the user sees what Docker would read.
  const typedName =
    [host === DOCKER_HUB_DOMAIN ? '' : host, fields.namespace.trim(), fields.repository.trim()]
      .filter((part) => part !== '')
      .join('/') + (fields.tag.trim() ? `:${fields.tag.trim()}` : '');
  const registryOptions = choices.map((entry) => (
    <option key={entry.value} value={entry.value}>
      {entry.label}
    </option>
  ));
  const hubOfficial = reference?.domain === DOCKER_HUB_DOMAIN && reference.path.startsWith('library/');

  return (
    <Dialog
      title={copying ? 'Copy to a registry' : primary === 'push' ? 'Push to a registry' : 'Tag image'}
      onClose={onClose}
      wide
      actions={
        <>
          {copying && (
            <button
              type="button"
              className="button primary"
              disabled={!reference || busy !== undefined || copyChoices.platforms?.length === 0}
              onClick={() => void submit('copy')}
            >
              {busy === 'copy' ? 'Starting copy…' : 'Copy'}
            </button>
          )}
          <button
            type="button"
            hidden={copying !== undefined}
            className={`button${primary === 'tag' ? ' primary' : ''}`}
            disabled={!reference || busy !== undefined}
            onClick={() => void submit('tag')}
          >
            {busy === 'tag' ? 'Tagging…' : 'Tag'}
          </button>
          <button
            type="button"
            hidden={copying !== undefined}
            className={`button${primary === 'push' ? ' primary' : ''}`}
            disabled={!reference || busy !== undefined}
            onClick={() => void submit('push')}
          >
            {busy === 'push' ? 'Starting push…' : 'Tag and push'}
          </button>
        </>
      }
    >
      <form className="tag-form" onSubmit={onSubmit} aria-label="New name">
        {copying && (
          <p className="dialog-intro">
            Copy <strong className="mono">{request.source}</strong> registry to registry, without Docker. Its
            new name is <span className="mono name-grammar">[registry-host]/[user]/[repository]:[tag]</span>.
          </p>
        )}
        <p className="dialog-intro" hidden={copying !== undefined}>
          Give <strong className="mono">{request.source}</strong> a name that says where it goes. A name is{' '}
          <span className="mono name-grammar">[registry-host]/[user]/[repository]:[tag]</span>; with no host,
          it means Docker Hub.
        </p>
        <Field
          id="tag-registry"
          label="Registry"
          help={
            choice.value === OTHER_REGISTRY && typedHost.plainHttp
              ? `${choice.explanation} http:// means no TLS: Docker will only push to ${typedHost.host || 'it'} once it is allowed as an insecure registry.`
              : choice.explanation
          }
          error={validation.errors.registry}
        >
          {(control) =>
            choice.value === OTHER_REGISTRY ? (
              <>
                <select
                  id={control.id}
                  aria-describedby="tag-registry-help"
                  value={fields.registry}
                  onChange={(event) => set('registry', event.target.value)}
                >
                  {registryOptions}
                </select>
                <input
                  {...control}
                  id="tag-registry-host"
                  aria-label="Registry host"
                  className="text-input"
                  placeholder="registry.example.com:5000"
                  value={fields.otherHost}
                  onChange={(event) => set('otherHost', event.target.value)}
                  spellCheck={false}
                />
              </>
            ) : (
              <select
                {...control}
                value={fields.registry}
                onChange={(event) => set('registry', event.target.value)}
              >
                {registryOptions}
              </select>
            )
          }
        </Field>
        <Field
          id="tag-namespace"
          label="Namespace"
          help="Optional folder for your images: a user or team name. Lowercase, parts separated by /."
          error={validation.errors.namespace}
        >
          {(control) => (
            <input
              {...control}
              className="text-input"
              value={fields.namespace}
              placeholder={choice.host === DOCKER_HUB_DOMAIN ? 'your Docker ID' : 'optional, e.g. team'}
              onChange={(event) => set('namespace', event.target.value)}
              spellCheck={false}
            />
          )}
        </Field>
        <div className="field-row">
          <Field
            id="tag-repository"
            className="grow"
            label="Repository"
            help="The image's name: lowercase letters, digits, and . _ - between them."
            error={validation.errors.repository}
          >
            {(control) => (
              <input
                {...control}
                className="text-input"
                value={fields.repository}
                placeholder="myapp"
                onChange={(event) => set('repository', event.target.value)}
                spellCheck={false}
              />
            )}
          </Field>
          <Field
            id="tag-tag"
            className="tag-field"
            label="Tag"
            help="Which version, e.g. 1.0 or latest: letters, digits, _ . - (up to 128)."
            error={validation.errors.tag}
          >
            {(control) => (
              <input
                {...control}
                className="text-input"
                value={fields.tag}
                placeholder={DEFAULT_TAG}
                onChange={(event) => set('tag', event.target.value)}
                spellCheck={false}
              />
            )}
          </Field>
        </div>
        <div className="full-name">
          <span className="full-name-label">Full name</span>
          <output aria-label="Full name" className={`mono full-name-value${reference ? '' : ' invalid'}`}>
            {reference ? reference.familiar : typedName || '—'}
          </output>
          {!reference && typedName && (
            <p className="field-help">Not a valid name yet: fix the field marked in red.</p>
          )}
          {reference && !copying && (
            <p className="field-help">
              Docker stores it as <span className="mono">{reference.normalized}</span>
              {reference.tag === undefined ? ` (no tag means :${DEFAULT_TAG})` : ''}.
              {hubOfficial &&
                ' Without a namespace Docker Hub means library/, where only official images live; add your Docker ID to push.'}
            </p>
          )}
          <NameParts
            host={host || (choice.value === OTHER_REGISTRY ? '' : DOCKER_HUB_DOMAIN)}
            namespace={fields.namespace}
            repository={fields.repository}
            tag={fields.tag}
            local={choice.value === 'local'}
          />
        </div>
        {copying && (
          <CopyOptions source={copying} target={reference} choices={copyChoices} onChange={setCopyChoices} />
        )}
        {reference && !copying && <CommandLine cli={tagCommand(request.source, reference.familiar)} />}
        {reference && primary === 'push' && (
          <CommandLine cli={pushCommand(reference.familiar)} label="Then, to push" />
        )}
        {failure && <ErrorWithFix error={failure} />}
        <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
      </form>
    </Dialog>
  );
}
