/**
 * Toasts for notices from the host and from the app itself. Success and info toasts leave 8 s after
 * they appeared, each on its own clock (see ToastClocks). Each toast is its
 * own status or alert, so the container is not a live region too (that announced them twice).
 */
import { useEffect, useState } from 'react';
import { useAppStore } from '../stores/app-store';
import { ToastClocks } from '../stores/notices';

export function Notices() {
  const notices = useAppStore((state) => state.notices);
  const dismiss = useAppStore((state) => state.dismiss);
  const [clocks] = useState(() => new ToastClocks((id) => useAppStore.getState().dismiss(id)));
  useEffect(() => clocks.follow(notices), [clocks, notices]);
  useEffect(() => () => clocks.stop(), [clocks]);
  return (
    <div className="notices">
      {notices.map((notice) => (
        <div
          key={notice.id}
          className={`notice ${notice.level}`}
          role={notice.level === 'error' ? 'alert' : 'status'}
        >
          <div className="notice-text">
            <strong>{notice.title}</strong>
            {notice.detail && <div className="notice-detail">{notice.detail}</div>}
          </div>
          <button
            type="button"
            className="icon-button"
            aria-label="Dismiss"
            onClick={() => dismiss(notice.id)}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
