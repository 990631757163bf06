/** Toasts for notices from the host and from the app itself. */
import { useEffect } from 'react';
import { useAppStore } from '../stores/app-store';

export function Notices() {
  const notices = useAppStore((state) => state.notices);
  const dismiss = useAppStore((state) => state.dismiss);
  useEffect(() => {
    const timers = notices
      .filter((notice) => notice.level === 'success' || notice.level === 'info')
      .map((notice) => setTimeout(() => dismiss(notice.id), 8000));
    return () => timers.forEach(clearTimeout);
  }, [notices, dismiss]);
  return (
    <div className="notices" aria-live="polite">
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
