import type { ChatSlice } from '../features/chat/chat-slice';
import type { ModelsSlice } from '../features/models/models-slice';
import type { SettingsSlice } from '../features/settings/settings-slice';
import type { ToolsSlice } from '../features/tools/tools-slice';

export type AppState = ChatSlice & ModelsSlice & SettingsSlice & ToolsSlice;
