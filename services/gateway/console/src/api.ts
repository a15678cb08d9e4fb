// The gateway's JSON API: the session (cookie + CSRF token) and calls to the
// services' methods. Errors carry the HTTP status and the service's message.
export class ApiError extends Error {
  // `message` is the service's own (naming the field and the value); the
  // operator reads first what kind of refusal it is, in their language.
  constructor(public status: number, public code: string, public detail: string) {
    super(`${refusal(status, code)}${detail}`)
  }
}

export interface SessionInfo {
  login: string
  role: string
  scope: string
  csrf_token: string
}

import { refusal } from './i18n'

let csrf = ''

async function parse(res: Response): Promise<any> {
  const text = await res.text()
  const body = text ? JSON.parse(text) : {}
  if (!res.ok) throw new ApiError(res.status, body.code ?? 'ERROR', body.message ?? res.statusText)
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

export async function call<T = any>(service: string, method: string, body: object = {}): Promise<T> {
  const res = await fetch(`/api/v1/${service}/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
    body: JSON.stringify(body),
  })
  return (await parse(res)) as T
}

// A fresh request id for a command (repeating it repeats nothing).
export function requestId(): string {
  return crypto.randomUUID()
}

// GET a JSON resource of the gateway (import jobs, report lists).
export async function getJson<T = any>(path: string): Promise<T> {
  return (await parse(await fetch(path))) as T
}

// POST a multipart form (an uploaded file and its fields).
export async function upload<T = any>(path: string, form: FormData): Promise<T> {
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

// Every item of a paged list method (`field` of each page), page after page.
export async function allPages<T = any>(service: string, method: string, body: object, field: string): Promise<T[]> {
  const items: T[] = []
  let token = ''
  do {
    const page = await call(service, method, { ...body, page_size: 1000, page_token: token })
    items.push(...(page[field] ?? []))
    token = page.next_page_token ?? ''
  } while (token)
  return items
}
