// A list read from the server a page at a time: load() reads the first page,
// load(false) appends the next; `next` is empty after the last page.
import { ref, type Ref } from 'vue'
import { call } from './api'

export function pagedList<T = any>(service: string, method: string, field: string,
                                   request: () => object = () => ({}), pageSize = 50) {
  const items = ref([]) as Ref<T[]>
  const next = ref('')
  const error = ref('')
  async function load(fresh = true) {
    error.value = ''
    try {
      const res = await call(service, method, { ...request(), page_size: pageSize, page_token: fresh ? '' : next.value })
      items.value = fresh ? res[field] ?? [] : [...items.value, ...(res[field] ?? [])]
      next.value = res.next_page_token ?? ''
    } catch (e: any) {
      error.value = e.message
    }
  }
  return { items, next, error, load }
}
