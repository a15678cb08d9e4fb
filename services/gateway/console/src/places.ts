// The schools and counties the caller may see, read once per session: the
// console shows their names where the services answer codes (the code stays
// on hover) and offers them in the pickers.
import { computed, ref } from 'vue'
import { allPages, type ItemOf } from './api'
import { namePlacesWith, t } from './i18n'

export type School = ItemOf<'registry', 'ListSchools', 'schools'>
const schools = ref<School[]>([])
let loading: Promise<void> | null = null

// Reads the schools in scope (once; later calls wait for the same read).
export function loadPlaces(): Promise<void> {
  loading ??= allPages('registry', 'ListSchools', {}, 'schools')
    .then((all) => {
      schools.value = all.sort((a, b) => (a.school_code ?? '').localeCompare(b.school_code ?? ''))
    })
    .catch(() => {
      loading = null  // tried again on the next page
    })
  return loading
}
// Forgets them (at logout: another account sees other schools).
export function forgetPlaces() {
  schools.value = []
  loading = null
}

export const schoolList = computed(() => schools.value)
export const countyList = computed(() => {
  const seen = new Map<string, string>()
  for (const s of schools.value) if (s.county_code) seen.set(s.county_code, s.county_name || s.county_code)
  return [...seen].map(([code, name]) => ({ code, name })).sort((a, b) => a.code.localeCompare(b.code))
})
export function schoolName(code?: string): string {
  return (code && schools.value.find((s) => s.school_code === code)?.name) || code || ''
}
export function countyName(code?: string): string {
  return (code && countyList.value.find((c) => c.code === code)?.name) || code || ''
}

// An account's scope as its name: a school's or a county's, or the whole city.
export function scopeName(scope?: string): string {
  if (!scope || scope.length === 4) return t('wholeCity')
  const school = schoolName(scope)
  return school !== scope ? school : countyName(scope)
}

// Refusals name the school or county (reasonText) by its name.
namePlacesWith((kind, code) => {
  const name = kind === 'school' ? schoolName(code) : countyName(code)
  return name === code ? code : `${name}（${code}）`
})
