"""``create_app``: the HTTP API (FastAPI), its authentication and its error answers.

Every ``/v1`` route but ``/v1/health`` needs ``Authorization: Bearer <token>``; an object
(task, session, file) of another user answers 404 exactly like a missing one. Errors are
``{"error": {"type", "message", ...}}``; bad input is never a 500.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

import qloom
from qloom.errors import QloomError
from qloom_server.accounts import Accounts
from qloom_server.config import ServerConfig
from qloom_server.db import Database
from qloom_server.errors import ApiError, body, qloom_error_body
from qloom_server.files import Files
from qloom_server.inputs import backend_name, read_circuit
from qloom_server.models import (
    CancelOut,
    ErrorBody,
    FileOut,
    FilesOut,
    ForkOut,
    HealthOut,
    LogsOut,
    ResultOut,
    SessionIn,
    SessionOut,
    SessionView,
    StepIn,
    StepOut,
    SubmitIn,
    SubmitOut,
    TaskOut,
    TasksOut,
)
from qloom_server.sessions import Sessions
from qloom_server.tasks import TaskService

__all__ = ["Services", "create_app"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (400, 401, 404, 413, 422, 429)
}


def _links(status: int, parameter: str, where: str, *operations: str) -> dict[int | str, Any]:
    """OpenAPI links from an answer to the operations on the object it made (clients and
    schemathesis's stateful tests follow them)."""
    links = {
        op: {"operationId": op, "parameters": {parameter: f"$response.body#{where}"}}
        for op in operations
    }
    return {**_ERRORS, status: {"links": links}}


@dataclass
class Services:
    """What the routes use, made when the server starts and closed when it stops."""

    db: Database
    accounts: Accounts
    files: Files
    tasks: TaskService
    sessions: Sessions

    @classmethod
    def start(cls, config: ServerConfig) -> Services:
        db = Database(config.store)
        files = Files(config.files_dir, config.limits)
        try:
            tasks = TaskService(config, db, files)
        except BaseException:
            db.close()
            raise
        sessions = Sessions(config.session_timeout, config.limits.max_sessions)
        return cls(db, Accounts(db), files, tasks, sessions)

    def close(self) -> None:
        self.sessions.close()
        self.tasks.close()
        self.db.close()


class BodyLimit:
    """Refuse request bodies over the limit with 413 before a route reads them: by their
    ``Content-Length``, or as they stream in (chunked bodies). File uploads have their own
    limit (checked again, with the user's quota, as the file is written)."""

    def __init__(self, app: Callable[..., Awaitable[None]], json_limit: int, file_limit: int):
        self.app = app
        self.json_limit = json_limit
        self.file_limit = file_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = self.file_limit if path.startswith("/v1/files/") else self.json_limit
        for key, value in scope.get("headers", []):
            if key == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared < 0 or declared > limit:
                    await _drain(receive, limit)
                    await _too_large(send, limit)
                    return
        seen = 0
        started = refused = False

        async def counted() -> Message:
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:  # answer now; the route sees the client go away
                    if not started and not refused:
                        refused = True
                        if message.get("more_body", False):
                            await _drain(receive, limit)
                        await _too_large(send, limit)
                    return {"type": "http.disconnect"}
            return message

        async def watch(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the 413 was sent: what the route answers after it is dropped
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watch)
        except Exception:
            if not refused:
                raise
            # the route failed on the cut-off body after the 413 went out: nothing to add


async def _drain(receive: Receive, limit: int) -> None:
    """Read and drop the rest of a refused body (up to a bound), so the client, still
    sending, reads the 413 instead of a reset connection; past the bound the connection is
    simply closed."""
    left = max(4 * limit, 16 * 1024 * 1024)
    while left > 0:
        message = await receive()
        if message["type"] != "http.request":
            return
        left -= len(message.get("body", b""))
        if not message.get("more_body", False):
            return


async def _too_large(send: Send, limit: int) -> None:
    payload = JSONResponse(
        body("TooLarge", f"the request body is over the limit of {limit} bytes"), status_code=413
    )
    await send({"type": "http.response.start", "status": 413, "headers": payload.raw_headers})
    await send({"type": "http.response.body", "body": payload.body})


_bearer = HTTPBearer(auto_error=False)


def _user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """The user whose bearer token the request carries, or a 401."""
    name = None
    if credentials is not None:
        name = request.app.state.services.accounts.user_for(credentials.credentials)
    if name is None:
        message = "the bearer token is not valid" if credentials else "no bearer token"
        raise ApiError(401, "Unauthorized", message, {"WWW-Authenticate": "Bearer"})
    return str(name)


User = Annotated[str, Depends(_user)]


async def _expire_sessions(services: Services, config: ServerConfig) -> None:
    """Drop idle sessions even when no session request comes to do it."""
    every = max(1.0, min(60.0, config.session_timeout / 2))
    while True:
        await asyncio.sleep(every)
        await run_in_threadpool(services.sessions.expire)


def create_app(config: ServerConfig) -> FastAPI:
    """The qloom HTTP API for one server (its services start with the app)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = Services.start(config)
        sweeper = asyncio.create_task(_expire_sessions(app.state.services, config))
        try:
            yield
        finally:
            sweeper.cancel()
            app.state.services.close()

    app = FastAPI(
        title="qloom compile service",
        version="1",
        description="Submit OpenQASM 2 circuits for transpilation, follow and cancel tasks, "
        "keep data files, and drive interactive compilation sessions.",
        lifespan=lifespan,
        generate_unique_id_function=lambda route: route.name,  # operationId: the function's
    )
    limits = config.limits

    def services() -> Services:
        found: Services = app.state.services
        return found

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(body(exc.type, exc.message, **exc.extra), exc.code, headers=exc.headers)

    @app.exception_handler(QloomError)
    async def qloom_error(request: Request, exc: QloomError) -> JSONResponse:
        return JSONResponse(qloom_error_body(exc), 400)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))[:300]}
            for e in exc.errors()[:20]
        ]
        return JSONResponse(
            body("ValidationError", "the request does not match the API", errors=errors), 422
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            body("HTTPError", str(exc.detail)), exc.status_code, headers=exc.headers
        )

    # -- health ---------------------------------------------------------------------------

    @app.get("/v1/health", response_model=HealthOut)
    def health() -> HealthOut:
        """Liveness; no token needed."""
        return HealthOut(status="ok", version=qloom.__version__, executor=config.executor)

    # -- tasks ----------------------------------------------------------------------------

    @app.post(
        "/v1/tasks",
        status_code=202,
        response_model=SubmitOut,
        responses=_links(
            202, "task_id", "/tasks/0/id", "task_info", "task_result", "task_cancel", "task_logs"
        ),
    )
    def submit(request: SubmitIn, who: User) -> SubmitOut:
        """Queue one circuit (a task) or several (a batch)."""
        return services().tasks.submit(who, request)

    @app.get("/v1/tasks", response_model=TasksOut, responses=_ERRORS)
    def list_tasks(
        who: User,
        status: Annotated[str | None, Query(max_length=64)] = None,
        batch: Annotated[str | None, Query(max_length=64)] = None,
        after: Annotated[str | None, Query(max_length=64)] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> TasksOut:
        """Your tasks, oldest first; ``after`` (a task id) pages on."""
        return TasksOut(tasks=services().tasks.list(who, status, batch, after, limit))

    @app.get("/v1/tasks/{task_id}", response_model=TaskOut, responses=_ERRORS)
    def task_info(task_id: str, who: User) -> TaskOut:
        """One task's status and times."""
        return services().tasks.info(who, task_id)

    @app.get(
        "/v1/tasks/{task_id}/result",
        response_model=ResultOut,
        responses={**_ERRORS, 409: {"model": ErrorBody}},
    )
    async def task_result(
        task_id: str, who: User, wait: Annotated[float, Query(ge=0, le=3600)] = 0.0
    ) -> ResultOut:
        """The result once the task ended (waiting up to ``wait`` s, at most the server's
        limit); 409 before. Waiting holds no thread: the store is checked between sleeps."""
        if not math.isfinite(wait):
            raise ApiError(400, "BadRequest", "wait must be a finite number")
        deadline = time.monotonic() + min(wait, limits.max_wait)
        while True:
            try:
                return await run_in_threadpool(services().tasks.result, who, task_id, 0.0)
            except ApiError as exc:
                if exc.code != 409 or time.monotonic() >= deadline:
                    raise
            await asyncio.sleep(0.1)

    @app.post("/v1/tasks/{task_id}/cancel", response_model=CancelOut, responses=_ERRORS)
    def task_cancel(task_id: str, who: User) -> CancelOut:
        """Cancel the task: a queued one never starts, a running one is stopped."""
        return services().tasks.cancel(who, task_id)

    @app.get("/v1/tasks/{task_id}/logs", response_model=LogsOut, responses=_ERRORS)
    def task_logs(task_id: str, who: User) -> LogsOut:
        """The task's log: every status it went through, retries, re-queues."""
        return services().tasks.logs(who, task_id)

    # -- files ----------------------------------------------------------------------------

    @app.get("/v1/files", response_model=FilesOut, responses=_ERRORS)
    def list_files(who: User) -> FilesOut:
        """Your files."""
        infos = services().files.list(who)
        return FilesOut(
            files=[FileOut(name=f.name, size=f.size, modified=f.modified) for f in infos]
        )

    @app.put(
        "/v1/files/{name}",
        response_model=FileOut,
        responses=_links(200, "name", "/name", "get_file", "delete_file"),
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        },
    )
    async def put_file(name: str, request: Request, who: User) -> FileOut:
        """Store the raw request body as your file ``name`` (replacing it). Names are
        1-128 of ``A-Za-z0-9._-``, not starting with a dot."""
        info = await services().files.upload(who, name, request.stream())
        return FileOut(name=info.name, size=info.size, modified=info.modified)

    @app.get(
        "/v1/files/{name}",
        response_class=Response,
        responses={**_ERRORS, 200: {"content": {"application/octet-stream": {}}}},
    )
    def get_file(name: str, who: User) -> Response:
        """Your file's bytes."""
        data = services().files.read(who, name)
        return Response(data, media_type="application/octet-stream")

    @app.delete("/v1/files/{name}", status_code=204, response_class=Response, responses=_ERRORS)
    def delete_file(name: str, who: User) -> Response:
        """Remove your file."""
        services().files.delete(who, name)
        return Response(status_code=204)

    # -- sessions -------------------------------------------------------------------------

    @app.post(
        "/v1/sessions",
        status_code=201,
        response_model=SessionOut,
        responses=_links(
            201,
            "session_id",
            "/id",
            "session_view",
            "session_step",
            "session_undo",
            "session_fork",
            "session_end",
        ),
    )
    def start_session(request: SessionIn, who: User) -> SessionOut:
        """Start an interactive session on one circuit."""
        svc = services()
        circuit = read_circuit(
            who, svc.files, request.qasm, request.file, None, "session", config.limits.qasm
        )
        return svc.sessions.start(
            who,
            circuit,
            backend_name(request.backend),
            request.seed,
            request.reward,
            request.parameters,
            request.backend_options,
        )

    @app.get("/v1/sessions/{session_id}", response_model=SessionView, responses=_ERRORS)
    def session_view(session_id: str, who: User) -> SessionView:
        """The session's steps, observation, circuit (QASM) and layout."""
        return services().sessions.view(who, session_id)

    @app.post("/v1/sessions/{session_id}/step", response_model=StepOut, responses=_ERRORS)
    def session_step(session_id: str, request: StepIn, who: User) -> StepOut:
        """Run one installed pass; a failing pass is 422 and changes nothing."""
        return services().sessions.step(who, session_id, request.action, request.options)

    @app.post(
        "/v1/sessions/{session_id}/undo",
        response_model=SessionView,
        responses={**_ERRORS, 409: {"model": ErrorBody}},
    )
    def session_undo(session_id: str, who: User) -> SessionView:
        """Take back the last step (409 when there is none)."""
        return services().sessions.undo(who, session_id)

    @app.post(
        "/v1/sessions/{session_id}/fork",
        status_code=201,
        response_model=ForkOut,
        responses=_links(201, "session_id", "/id", "session_view", "session_step", "session_end"),
    )
    def session_fork(session_id: str, who: User) -> ForkOut:
        """A new session continuing from this one's state."""
        return ForkOut(id=services().sessions.fork(who, session_id).id)

    @app.delete(
        "/v1/sessions/{session_id}", status_code=204, response_class=Response, responses=_ERRORS
    )
    def session_end(session_id: str, who: User) -> Response:
        """End the session."""
        services().sessions.end(who, session_id)
        return Response(status_code=204)

    app.add_middleware(
        BodyLimit, json_limit=limits.max_body_bytes, file_limit=limits.max_file_bytes
    )
    return app
