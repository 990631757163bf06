/** Renders the one open dialog (see dialog-store.ts). */
import { AddRegistryDialog } from './AddRegistryDialog';
import { useDialogStore } from './dialog-store';
import { LoginDialog } from './LoginDialog';
import { RemoveImageDialog } from './RemoveImageDialog';
import { TagDialog } from './TagDialog';

export function DialogHost() {
  const open = useDialogStore((state) => state.open);
  const close = useDialogStore((state) => state.close);
  if (!open) return null;
  switch (open.kind) {
    case 'tag':
      return <TagDialog request={open.request} onClose={close} />;
    case 'remove':
      return <RemoveImageDialog group={open.group} onClose={close} />;
    case 'login':
      return (
        <LoginDialog
          registry={open.registry}
          {...(open.onLoggedIn ? { onLoggedIn: open.onLoggedIn } : {})}
          onClose={close}
        />
      );
    case 'add-registry':
      return <AddRegistryDialog onClose={close} />;
  }
}
