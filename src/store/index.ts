import { useStore } from 'zustand';
import { createBrowserEngine } from '../engine/client';
import { ToolSandbox } from '../sandbox/tool-sandbox';
import type { AppState } from './app-state';
import { createAppStore } from './create-store';

export const engine = createBrowserEngine();
let sandbox: ToolSandbox | null = null;
/** The sandbox's iframe is created on the first tool call, not at start-up. */
export const toolSandbox = () => (sandbox ??= new ToolSandbox());
export const appStore = createAppStore(engine, toolSandbox);

export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(appStore, selector);
}
