import type { IncomingMessage, ServerResponse } from 'node:http';

export function createHubHandler(options: {
  root: string;
  prefix?: string;
}): (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;
