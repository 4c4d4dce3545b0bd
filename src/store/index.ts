import { useStore } from 'zustand';
import { createBrowserEngine } from '../engine/client';
import type { AppState } from './app-state';
import { createAppStore } from './create-store';

export const engine = createBrowserEngine();
export const appStore = createAppStore(engine);

export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(appStore, selector);
}
