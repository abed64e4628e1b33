// Pieces the ingest pages share.

/** Why this page exists at all before sign-in does. */
export function LoopbackNotice() {
  return (
    <div className="nhsuk-inset-text">
      <span className="nhsuk-u-visually-hidden">Information: </span>
      <p>
        This page is available because the server is bound to a loopback address, so only this computer can reach it. Once
        sign-in exists it will be for administrators only.
      </p>
    </div>
  );
}
