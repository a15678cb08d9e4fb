// A list read from the server a page at a time: load() reads the first page,
// load(false) appends the next; `next` is empty after the last page.
import { computed, ref, watch, type Ref } from 'vue'
import { call, messageOf, type ItemOf, type ListField, type Method, type Request, type Service } from './api'

export function pagedList<S extends Service, M extends Method<S>, F extends ListField<S, M>>(
  service: S,
  method: M,
  field: F,
  request: () => Request<S, M> = () => ({}) as Request<S, M>,
  pageSize = 50,
) {
  const items = ref([]) as Ref<ItemOf<S, M, F>[]>
  const next = ref('')
  const error = ref('')
  async function load(fresh = true) {
    error.value = ''
    try {
      const res = await call(service, method, Object.assign({}, request(), {
        page_size: pageSize,
        page_token: fresh ? '' : next.value,
      }) as Request<S, M>)
      const page = (res[field] as ItemOf<S, M, F>[] | undefined) ?? []
      items.value = fresh ? page : [...items.value, ...page]
      next.value = (res as { next_page_token?: string }).next_page_token ?? ''
    } catch (e: unknown) {
      error.value = messageOf(e)
    }
  }
  return { items, next, error, load }
}

// A long list shown a page at a time in the browser (the whole list is read;
// the table says how many there are instead of stopping silently).
export function pageOf<T>(items: Ref<T[]>, size = 20) {
  const page = ref(1)
  const rows = computed(() => items.value.slice((page.value - 1) * size, page.value * size))
  watch(() => items.value.length, (n) => {
    if ((page.value - 1) * size >= n) page.value = Math.max(1, Math.ceil(n / size))
  })
  return { page, size, rows }
}
