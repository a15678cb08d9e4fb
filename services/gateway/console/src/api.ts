// The gateway's JSON API: the session (cookie + CSRF token) and calls to the
// services' methods. Errors carry the HTTP status and the service's message.
export class ApiError extends Error {
  // A refusal with a reason the catalogue knows is said in the operator's
  // language; otherwise the service's own message (naming the field and the
  // value) after what kind of refusal it is.
  constructor(
    public status: number,
    public code: string,
    public detail: string,
    public reason?: string,
    public params: Record<string, string> = {},
  ) {
    super(reasonText(reason, params) ?? `${refusal(status, code)}${detail}`)
  }
}

export interface SessionInfo {
  login: string
  role: string
  scope: string
  csrf_token: string
}

import { reasonText, refusal } from './i18n'
import type { Api } from './api.gen'

export type { zizhu, Api } from './api.gen'
// A service's path segment ("registry") and one of its methods ("ListStudents").
export type Service = keyof Api
export type Method<S extends Service> = keyof Api[S] & string
type Entry<S extends Service, M extends Method<S>> = Api[S][M] extends { req: infer Q; res: infer R }
  ? { req: Q; res: R }
  : never
export type Request<S extends Service, M extends Method<S>> = Entry<S, M>['req']
export type Response<S extends Service, M extends Method<S>> = Entry<S, M>['res']

// The words of an error, whatever was thrown.
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

let csrf = ''

interface ErrorBody {
  code?: string
  message?: string
  reason?: string
  params?: Record<string, string>
}

async function parse(res: globalThis.Response): Promise<unknown> {
  const text = await res.text()
  const body: unknown = text ? JSON.parse(text) : {}
  if (!res.ok) {
    const error = body as ErrorBody
    throw new ApiError(res.status, error.code ?? 'ERROR', error.message ?? res.statusText, error.reason, error.params)
  }
  return body
}

export async function login(loginName: string, password: string): Promise<SessionInfo> {
  const res = await fetch('/api/v1/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login: loginName, password }),
  })
  const info = (await parse(res)) as SessionInfo
  csrf = info.csrf_token
  return info
}

export async function currentSession(): Promise<SessionInfo | null> {
  const res = await fetch('/api/v1/session')
  if (res.status === 401) return null
  const info = (await parse(res)) as SessionInfo
  csrf = info.csrf_token
  return info
}

export async function logout(): Promise<void> {
  await fetch('/api/v1/session', { method: 'DELETE', headers: { 'X-CSRF-Token': csrf } })
  csrf = ''
}

// Calls `method` of `service`; the request and the answer are the method's
// own messages (api.gen.d.ts), so a misspelt field is a build error.
export async function call<S extends Service, M extends Method<S>>(
  service: S,
  method: M,
  body: Request<S, M> = {} as Request<S, M>,
): Promise<Response<S, M>> {
  const res = await fetch(`/api/v1/${service}/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
    body: JSON.stringify(body),
  })
  return (await parse(res)) as Response<S, M>
}

// A fresh request id for a command (repeating it repeats nothing).
export function requestId(): string {
  return crypto.randomUUID()
}

// GET a JSON resource of the gateway (import jobs, report lists).
export async function getJson<T>(path: string): Promise<T> {
  return (await parse(await fetch(path))) as T
}

// POST a JSON body to a route of the gateway's own (report runs).
export async function postJson<T>(path: string, body: object): Promise<T> {
  const res = await fetch(path, {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: JSON.stringify(body),
  })
  return (await parse(res)) as T
}

// POST a multipart form (an uploaded file and its fields).
export async function upload<T>(path: string, form: FormData): Promise<T> {
  const res = await fetch(path, { method: 'POST', headers: { 'X-CSRF-Token': csrf }, body: form })
  return (await parse(res)) as T
}

// POST `body` and save the answer as the file the gateway names; its name.
export async function download(path: string, body: object): Promise<string> {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
    body: JSON.stringify(body),
  })
  if (!res.ok) await parse(res)
  const disposition = res.headers.get('Content-Disposition') ?? ''
  const utf8 = /filename\*=UTF-8''([^;]+)/.exec(disposition)?.[1]
  const name = utf8 ? decodeURIComponent(utf8) : /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'download'
  const url = URL.createObjectURL(await res.blob())
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
  return name
}

// The list field `F` of a paged method's answer, and its item type.
export type ListField<S extends Service, M extends Method<S>> = {
  [F in keyof Response<S, M>]-?: NonNullable<Response<S, M>[F]> extends unknown[] ? F : never
}[keyof Response<S, M>] &
  string
export type ItemOf<S extends Service, M extends Method<S>, F extends ListField<S, M>> =
  NonNullable<Response<S, M>[F]> extends (infer I)[] ? I : never
interface Paged {
  next_page_token?: string
}

// Every item of a paged list method (`field` of each page), page after page.
export async function allPages<S extends Service, M extends Method<S>, F extends ListField<S, M>>(
  service: S,
  method: M,
  body: Request<S, M>,
  field: F,
): Promise<ItemOf<S, M, F>[]> {
  const items: ItemOf<S, M, F>[] = []
  let token = ''
  do {
    const page = await call(service, method, Object.assign({}, body, { page_size: 1000, page_token: token }) as Request<S, M>)
    items.push(...((page[field] as ItemOf<S, M, F>[] | undefined) ?? []))
    token = (page as Paged).next_page_token ?? ''
  } while (token)
  return items
}

// A field of a method's answer, present.
export type Field<S extends Service, M extends Method<S>, F extends keyof Response<S, M>> = NonNullable<
  Response<S, M>[F]
>

// The gateway's own JSON (not a service's message): an upload's import job
// (services/gateway/app/file_routes.cc) and the report files
// (gateway_server.cc). Keep them beside those writers.
export interface ImportRowError {
  line: number
  kind: string
  national_id: string
  column: string
  reason: string  // English
  reason_code?: string  // its code (libs/reasons) and parameters, when it has one
  params?: Record<string, string>
}
export interface ImportJob {
  job_id: string
  source?: string
  file_name: string
  state: 'running' | 'done' | 'failed'
  done: number
  total: number
  applied?: number
  rejected?: number
  warnings?: number
  format?: string
  import_id?: string
  already_imported?: boolean
  dry_run?: boolean  // a preview: rows checked, nothing registered
  message?: string
  message_reason?: string  // its reason code (libs/reasons), said by reasonText
  message_params?: Record<string, string>
  file_headers?: string[]  // the file's header row, when its columns could not all be matched
  errors?: ImportRowError[]
  errors_total?: number
}
export interface ReportFile {
  file: string
  kind: string
  period: string
  scope: string
  language: string
  format: string
  bytes: number
}
