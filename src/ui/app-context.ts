/** What every page may need: who is signed in, the live board, and click-to-call. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { EntityRef } from './api.ts';
import type { ApiUser } from './types.ts';
import type { LiveBoard } from './live/use-live-board.ts';

export interface AppServices {
  user: ApiUser;
  live: LiveBoard;
  /** Places a click-to-call; progress and failures show in the console's status line. */
  placeCall: (number: string, entity?: EntityRef) => Promise<void>;
}

export const AppContext = createContext<AppServices | null>(null);

export function useApp(): AppServices {
  const app = useContext(AppContext);
  if (!app) throw new Error('useApp() outside <AppContext.Provider>');
  return app;
}
