/**
 * The first visit's welcome (issue 16 item 4): shown once, on the app's bare address (a shared
 * link, a lesson or a test's `?seed=…` goes straight to what it names), and remembered in
 * localStorage. Reopened from the keyboard help ("?").
 */
export const WELCOME_KEY = 'streamlab.welcome.v1';

type Store = Pick<Storage, 'getItem' | 'setItem'> | undefined;

export function shouldWelcome(location: Pick<Location, 'search' | 'hash'>, store: Store): boolean {
  if (location.search !== '' || location.hash !== '') return false;
  try {
    return store?.getItem(WELCOME_KEY) === null;
  } catch {
    return false; // storage blocked: never nag on every load
  }
}

export function rememberWelcomed(store: Store): void {
  try {
    store?.setItem(WELCOME_KEY, 'seen');
  } catch {
    // Not remembered: the welcome shows again next time, which is harmless.
  }
}
