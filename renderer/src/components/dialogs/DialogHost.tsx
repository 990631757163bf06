/** Renders the one open dialog (see dialog-store.ts). */
import { AddRegistryDialog } from './AddRegistryDialog';
import { useDialogStore } from './dialog-store';
import { LoginDialog } from './LoginDialog';
import { RemoveImageDialog } from './RemoveImageDialog';
import { TagDialog } from './TagDialog';

export function DialogHost() {
  const open = useDialogStore((state) => state.open);
  const opening = useDialogStore((state) => state.opening);
  const close = useDialogStore((state) => state.close);
  if (!open) return null;
  switch (open.kind) {
    case 'tag':
      return <TagDialog key={opening} request={open.request} onClose={close} />;
    case 'remove':
      return <RemoveImageDialog key={opening} group={open.group} onClose={close} />;
    case 'login':
      return (
        <LoginDialog
          key={opening}
          {...(open.registry !== undefined ? { registry: open.registry } : {})}
          {...(open.onLoggedIn ? { onLoggedIn: open.onLoggedIn } : {})}
          onClose={close}
        />
      );
    case 'add-registry':
      return <AddRegistryDialog key={opening} onClose={close} />;
  }
}
