import type { EngineErrorInfo } from '../engine/protocol';

export function ErrorNotice({
  error,
  action,
}: {
  error: EngineErrorInfo;
  action?: React.ReactNode;
}) {
  return (
    <div className="notice notice-error" role="alert" data-code={error.code}>
      <p>{error.message}</p>
      {action}
      {error.detail && (
        <details>
          <summary>Details</summary>
          <pre>{error.detail}</pre>
        </details>
      )}
    </div>
  );
}
