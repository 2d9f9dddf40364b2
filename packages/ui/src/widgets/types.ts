/** @module widgets/types: the ChatKit widget tree as the UI reads it (a node: `type`, flat camelCase props, `children`). */

export interface ActionConfig {
  type: string;
  payload?: unknown;
  handler?: 'client' | 'server';
  loadingBehavior?: 'auto' | 'none' | 'self' | 'container';
  streaming?: boolean;
}

export interface WidgetNode {
  type: string;
  id?: string;
  key?: string;
  children?: WidgetNode[];
  [prop: string]: unknown;
}

/** What a widget element asks its host to do when an action fires. */
export interface WidgetActionDetail {
  action: ActionConfig;
  /** The id of the node that fired it. */
  sourceId?: string;
  /** The widget item id (set by whoever renders the widget inside a thread). */
  itemId?: string;
}
