/**
 * @module state/apply-item-update: the reducer of ChatKit item updates (chatkit-protocol §3.3), used by the
 * server to keep a pending item and by clients to show it growing. Pure: returns a new item.
 */
import type { ThreadItem, ThreadItemUpdate } from '../agents.js';

type Node = { type: string; id?: string; value?: unknown; children?: Node[]; [k: string]: unknown };
type Part = { type: 'output_text'; text: string; annotations: unknown[]; [k: string]: unknown };

const emptyPart = (): Part => ({ type: 'output_text', text: '', annotations: [] });

function padded(content: readonly Part[], index: number): Part[] {
  const out = [...content];
  while (out.length <= index) out.push(emptyPart());
  return out;
}

function mapNodes(node: Node, id: string, fn: (n: Node) => Node): Node {
  if (node.id === id) return fn(node);
  if (!node.children) return node;
  return { ...node, children: node.children.map((c) => mapNodes(c, id, fn)) };
}

/** Applies one update to a pending item; an update that does not fit the item's type throws. */
export function applyItemUpdate(item: ThreadItem, update: ThreadItemUpdate): ThreadItem {
  switch (update.type) {
    case 'assistant_message.content_part.added':
    case 'assistant_message.content_part.done':
    case 'assistant_message.content_part.text_delta':
    case 'assistant_message.content_part.annotation_added': {
      if (item.type !== 'assistant_message') throw new Error(`${update.type} on a ${item.type} item`);
      const content = padded(item.content as Part[], update.content_index);
      const at = content[update.content_index]!;
      if (update.type === 'assistant_message.content_part.text_delta')
        content[update.content_index] = { ...at, text: at.text + update.delta };
      else if (update.type === 'assistant_message.content_part.annotation_added') {
        const annotations = [...at.annotations];
        annotations.splice(Math.min(update.annotation_index, annotations.length), 0, update.annotation);
        content[update.content_index] = { ...at, annotations };
      } else content[update.content_index] = { ...update.content, annotations: update.content.annotations ?? [] } as Part;
      return { ...item, content };
    }
    case 'widget.streaming_text.value_delta':
    case 'widget.root.updated':
    case 'widget.component.updated': {
      if (item.type !== 'widget') throw new Error(`${update.type} on a ${item.type} item`);
      if (update.type === 'widget.root.updated') return { ...item, widget: update.widget };
      const root = item.widget as unknown as Node;
      const widget =
        update.type === 'widget.component.updated'
          ? mapNodes(root, update.component_id, () => update.component as Node)
          : mapNodes(root, update.component_id, (n) => ({ ...n, value: String(n.value ?? '') + update.delta, streaming: !update.done }));
      return { ...item, widget: widget as typeof item.widget };
    }
    case 'workflow.task.added':
    case 'workflow.task.updated': {
      if (item.type !== 'workflow') throw new Error(`${update.type} on a ${item.type} item`);
      const tasks = [...item.workflow.tasks];
      if (update.type === 'workflow.task.added') tasks.push(update.task);
      else tasks[update.task_index] = update.task;
      return { ...item, workflow: { ...item.workflow, tasks } };
    }
    case 'generated_image.updated':
      if (item.type !== 'generated_image') throw new Error(`${update.type} on a ${item.type} item`);
      return { ...item, image: update.image };
  }
}
