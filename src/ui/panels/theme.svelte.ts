/**
 * Light or dark. Follows the system until the learner picks one; the pick is remembered. The
 * colours themselves are CSS custom properties switched by `data-theme` on <html> (app.css).
 */
import { MediaQuery } from 'svelte/reactivity';

export type Theme = 'light' | 'dark';

const STORAGE_KEY = 'streamlab.theme';

function stored(): Theme | undefined {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : undefined;
  } catch {
    return undefined; // storage can be blocked; the system preference still applies
  }
}

export class ThemeState {
  private readonly systemDark = new MediaQuery('(prefers-color-scheme: dark)');
  private chosen = $state<Theme | undefined>(stored());

  readonly theme: Theme = $derived(this.chosen ?? (this.systemDark.current ? 'dark' : 'light'));

  /** Keep <html data-theme> in step (call from a component's $effect). */
  apply(): void {
    document.documentElement.dataset.theme = this.theme;
  }

  toggle(): void {
    this.chosen = this.theme === 'dark' ? 'light' : 'dark';
    try {
      localStorage.setItem(STORAGE_KEY, this.chosen);
    } catch {
      // not remembered; the choice still holds for this visit
    }
  }
}
