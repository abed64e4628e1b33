// The CSP nonce of the document being rendered (app/entry.server.tsx provides it; in the browser
// there is none, and React leaves the attribute alone when hydrating).
import { createContext, useContext } from "react";

export const NonceContext = createContext<string | undefined>(undefined);

export function useNonce(): string | undefined {
  return useContext(NonceContext);
}
