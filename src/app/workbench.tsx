import { Cpu, ScanText, SlidersHorizontal, Wrench, type LucideIcon } from 'lucide-react';
import type { ReactNode } from 'react';
import { PromptInspector } from '../features/chat/PromptInspector';
import { StoragePanel } from '../features/models/StoragePanel';
import { EngineSettings } from '../features/settings/EngineSettings';
import { GenerationSettings } from '../features/settings/GenerationSettings';
import { ToolsPanel } from '../features/tools/ToolsPanel';

/** What the workbench panels may need from the shell: the composer's unsent text. */
export interface WorkbenchContext {
  draft: string;
  prefill: string | null;
}

export interface WorkbenchTab {
  id: string;
  label: string;
  /** Tooltip, where the label is a short form. */
  title?: string;
  icon: LucideIcon;
  render: (ctx: WorkbenchContext) => ReactNode;
}

/**
 * The workbench's tabs, in order; the first is open by default. A new feature (documents,
 * images) adds its panel here with one line.
 */
export const WORKBENCH_TABS: readonly WorkbenchTab[] = [
  { id: 'tools', label: 'Tools', icon: Wrench, render: () => <ToolsPanel /> },
  {
    id: 'generation',
    label: 'Generation',
    icon: SlidersHorizontal,
    render: () => <GenerationSettings />,
  },
  {
    id: 'inspector',
    label: 'Inspector',
    title: 'Prompt inspector',
    icon: ScanText,
    render: ({ draft, prefill }) => <PromptInspector draft={draft} prefill={prefill} />,
  },
  {
    id: 'engine',
    label: 'Engine',
    title: 'Engine settings and cached models',
    icon: Cpu,
    render: () => (
      <>
        <EngineSettings />
        <StoragePanel />
      </>
    ),
  },
];
