"""Records golden ChatKit transcripts from chatkit-python (its own source on PYTHONPATH) with a scripted respond().

Usage: PYTHONPATH=<chatkit-python checkout> python3 record_chatkit_python.py <out dir>

The scripted server answers as Parley's demo agent does (docs/agents.md, "demo"); the in-memory store below is
this script's own. Only chatkit-python's request parsing, pipeline and JSON encoding are exercised. ids and
times are normalized here ($1, $2... in order of appearance; <time>); the replay test in
chatkit-golden.test.ts normalizes Parley's answers the same way.
"""

import asyncio
import json
import sys
import types
from contextvars import ContextVar
from datetime import datetime


def stub_agents_sdk() -> None:
    """chatkit.server imports the OpenAI Agents SDK only for request headers; these scenarios never call a model."""
    agents = types.ModuleType("agents")
    agents.__version__ = "0.0.0"
    models = types.ModuleType("agents.models")
    chatcmpl = types.ModuleType("agents.models.chatcmpl_helpers")
    chatcmpl.HEADERS_OVERRIDE = ContextVar("headers_override", default=None)
    responses = types.ModuleType("agents.models.openai_responses")
    responses._HEADERS_OVERRIDE = ContextVar("responses_headers_override", default=None)
    for name, mod in [
        ("agents", agents),
        ("agents.models", models),
        ("agents.models.chatcmpl_helpers", chatcmpl),
        ("agents.models.openai_responses", responses),
    ]:
        sys.modules[name] = mod


stub_agents_sdk()

from pydantic import TypeAdapter  # noqa: E402

from chatkit.server import ChatKitServer, StreamingResult  # noqa: E402
from chatkit.store import NotFoundError, Store  # noqa: E402
from chatkit.types import Page, ThreadItem, ThreadMetadata, ThreadStreamEvent  # noqa: E402

EVENT = TypeAdapter(ThreadStreamEvent)
ITEM = TypeAdapter(ThreadItem)


class MemoryStore(Store[dict]):
    """Threads and items in dicts; pages by position, `after` = the last id of the previous page."""

    def __init__(self) -> None:
        self.threads = {}
        self.items = {}

    async def load_thread(self, thread_id, context):
        if thread_id not in self.threads:
            raise NotFoundError(f"thread {thread_id}")
        return self.threads[thread_id]

    async def save_thread(self, thread, context):
        self.threads[thread.id] = thread
        self.items.setdefault(thread.id, [])

    @staticmethod
    def page(model, rows, after, limit, order):
        rows = list(rows) if order == "asc" else list(reversed(rows))
        if after is not None:
            ids = [r.id for r in rows]
            rows = rows[ids.index(after) + 1 :] if after in ids else []
        data = rows[:limit]
        has_more = len(rows) > limit
        return model(data=data, has_more=has_more, after=data[-1].id if has_more and data else None)

    async def load_thread_items(self, thread_id, after, limit, order, context):
        return self.page(Page[ThreadItem], self.items.get(thread_id, []), after, limit, order)

    async def load_threads(self, limit, after, order, context):
        return self.page(Page[ThreadMetadata], sorted(self.threads.values(), key=lambda t: t.created_at), after, limit, order)

    async def add_thread_item(self, thread_id, item, context):
        self.items.setdefault(thread_id, []).append(item)

    async def save_item(self, thread_id, item, context):
        rows = self.items.setdefault(thread_id, [])
        for i, r in enumerate(rows):
            if r.id == item.id:
                rows[i] = item
                return
        rows.append(item)

    async def load_item(self, thread_id, item_id, context):
        for r in self.items.get(thread_id, []):
            if r.id == item_id:
                return r
        raise NotFoundError(f"item {item_id}")

    async def delete_thread(self, thread_id, context):
        self.threads.pop(thread_id, None)
        self.items.pop(thread_id, None)

    async def delete_thread_item(self, thread_id, item_id, context):
        self.items[thread_id] = [r for r in self.items.get(thread_id, []) if r.id != item_id]

    async def save_attachment(self, attachment, context):
        raise NotImplementedError

    async def load_attachment(self, attachment_id, context):
        raise NotImplementedError

    async def delete_attachment(self, attachment_id, context):
        raise NotImplementedError


def chunks(text):
    """The demo agent's chunking: up to four pieces."""
    if len(text) < 2:
        return [text]
    n = min(4, len(text))
    size = -(-len(text) // n)
    return [text[i : i + size] for i in range(0, len(text), size)]


class DemoServer(ChatKitServer[dict]):
    """respond() and action() scripted as Parley's demo agent answers."""

    def item(self, thread, kind, **fields):
        return {"id": self.store.generate_item_id(kind, thread, {}), "thread_id": thread.id, "created_at": datetime.now(), **fields}

    def message(self, thread, text):
        base = self.item(thread, "message", type="assistant_message", content=[])
        mid = base["id"]
        empty = {"type": "output_text", "text": "", "annotations": []}
        yield EVENT.validate_python({"type": "thread.item.added", "item": base})
        part_added = {"type": "assistant_message.content_part.added", "content_index": 0, "content": empty}
        yield EVENT.validate_python({"type": "thread.item.updated", "item_id": mid, "update": part_added})
        for delta in chunks(text):
            update = {"type": "assistant_message.content_part.text_delta", "content_index": 0, "delta": delta}
            yield EVENT.validate_python({"type": "thread.item.updated", "item_id": mid, "update": update})
        done = {"type": "output_text", "text": text, "annotations": []}
        part_done = {"type": "assistant_message.content_part.done", "content_index": 0, "content": done}
        yield EVENT.validate_python({"type": "thread.item.updated", "item_id": mid, "update": part_done})
        yield EVENT.validate_python({"type": "thread.item.done", "item": {**base, "content": [done]}})

    async def respond(self, thread, input_user_message, context):
        if input_user_message is None:
            items = (await self.store.load_thread_items(thread.id, None, 20, "desc", context)).data
            call = next((i for i in items if i.type == "client_tool_call"), None)
            if call is not None and call.status == "completed":
                for ev in self.message(thread, "Tool result: " + json.dumps(call.output, separators=(",", ":"))):
                    yield ev
            return
        text = "".join(c.text for c in input_user_message.content if c.type == "input_text")
        if text == "/widget":
            card = {
                "type": "Card",
                "children": [
                    {"type": "Text", "id": "q", "value": "Approve this order?"},
                    {"type": "Button", "label": "Approve", "onClickAction": {"type": "demo.approve", "payload": {}}},
                ],
            }
            widget = self.item(thread, "message", type="widget", widget=card, copy_text="Approve this order?")
            yield EVENT.validate_python({"type": "thread.item.done", "item": widget})
        elif text == "/tool":
            call = self.item(thread, "tool_call", type="client_tool_call", status="pending", call_id="call_demo", name="get_location", arguments={})
            yield EVENT.validate_python({"type": "thread.item.done", "item": call})
        elif text == "/fail":
            yield EVENT.validate_python({"type": "error", "code": "stream.error", "allow_retry": True})
        else:
            for ev in self.message(thread, "Echo: " + text):
                yield ev

    async def action(self, thread, action, sender, context):
        if action.type != "demo.approve" or sender is None:
            return
        value = "Approved by " + context["display_name"]
        card = {"type": "Card", "children": [{"type": "Text", "id": "q", "value": value}]}
        replaced = ITEM.validate_python({**sender.model_dump(), "widget": card, "copy_text": value})
        yield EVENT.validate_python({"type": "thread.item.replaced", "item": replaced})
        for ev in self.message(thread, "Approved."):
            yield ev


def user_input(text):
    return {"content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}}


ID_KEYS = {"id", "thread_id", "item_id", "after"}


class Normalizer:
    """ids to $1, $2... in order of appearance (one numbering per scenario), created_at to <time>; widgets as they are."""

    def __init__(self):
        self.ids = {}

    def id(self, value):
        if value not in self.ids:
            self.ids[value] = f"${len(self.ids) + 1}"
        return self.ids[value]

    def __call__(self, value, key=""):
        if isinstance(value, list):
            if key == "item_ids":
                return [self.id(v) for v in value]
            return [self(v) for v in value]
        if isinstance(value, dict):
            return {k: v if k == "widget" else self(v, k) for k, v in value.items()}
        if key == "created_at":
            return "<time>"
        if key in ID_KEYS and isinstance(value, str):
            return self.id(value)
        return value


class Recorder:
    def __init__(self):
        self.server = DemoServer(MemoryStore())
        self.context = {"display_name": "Alice"}
        self.norm = Normalizer()
        self.steps = []

    async def send(self, type_, params):
        """One request; returns the raw answer (events or JSON) and records the normalized exchange."""
        request = {"type": type_, "params": params}
        recorded = {"request": self.norm(request)}
        result = await self.server.process(json.dumps(request), self.context)
        if isinstance(result, StreamingResult):
            raw = b"".join([chunk async for chunk in result])
            frames = [f for f in raw.decode().split("\n\n") if f]
            assert all(f.startswith("data: ") for f in frames), frames
            events = [json.loads(f[len("data: ") :]) for f in frames]
            recorded["events"] = self.norm(events)
            answer = events
        else:
            answer = json.loads(result.json)
            recorded["response"] = self.norm(answer)
        self.steps.append(recorded)
        return answer


async def scenario_echo(r):
    await r.send("threads.create", {"input": user_input("hello")})


async def scenario_widget_action(r):
    first = await r.send("threads.create", {"input": user_input("/widget")})
    thread, widget = first[0]["thread"]["id"], first[-1]["item"]["id"]
    await r.send("threads.custom_action", {"thread_id": thread, "item_id": widget, "action": {"type": "demo.approve", "payload": {}}})


async def scenario_client_tool(r):
    first = await r.send("threads.create", {"input": user_input("/tool")})
    await r.send("threads.add_client_tool_output", {"thread_id": first[0]["thread"]["id"], "result": {"lat": 1}})


async def scenario_fail(r):
    await r.send("threads.create", {"input": user_input("/fail")})


async def scenario_retry(r):
    first = await r.send("threads.create", {"input": user_input("hello")})
    thread, user_item = first[0]["thread"]["id"], first[1]["item"]["id"]
    await r.send("threads.retry_after_item", {"thread_id": thread, "item_id": user_item})
    await r.send("items.list", {"thread_id": thread, "order": "asc"})


async def scenario_feedback(r):
    first = await r.send("threads.create", {"input": user_input("hello")})
    await r.send("items.feedback", {"thread_id": first[0]["thread"]["id"], "item_ids": [first[-1]["item"]["id"]], "kind": "positive"})


async def scenario_threads(r):
    one = (await r.send("threads.create", {"input": user_input("one")}))[0]["thread"]["id"]
    await r.send("threads.create", {"input": user_input("two")})
    page = await r.send("threads.list", {"limit": 1})
    await r.send("threads.list", {"limit": 1, "after": page["after"]})
    await r.send("threads.get_by_id", {"thread_id": one})
    await r.send("threads.update", {"thread_id": one, "title": "First"})
    await r.send("threads.list", {"order": "asc"})
    await r.send("threads.delete", {"thread_id": one})
    await r.send("threads.list", {})


async def scenario_items_paging(r):
    thread = (await r.send("threads.create", {"input": user_input("a")}))[0]["thread"]["id"]
    await r.send("threads.add_user_message", {"thread_id": thread, "input": user_input("b")})
    page = await r.send("items.list", {"thread_id": thread, "limit": 3, "order": "asc"})
    await r.send("items.list", {"thread_id": thread, "limit": 3, "order": "asc", "after": page["after"]})
    await r.send("items.list", {"thread_id": thread, "limit": 2})


SCENARIOS = {name[len("scenario_") :]: fn for name, fn in globals().items() if name.startswith("scenario_")}


async def main(out_dir):
    for name, play in SCENARIOS.items():
        r = Recorder()
        await play(r)
        with open(f"{out_dir}/{name}.json", "w") as f:
            json.dump(r.steps, f, indent=1)
            f.write("\n")
        print(name, len(r.steps), "steps")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
