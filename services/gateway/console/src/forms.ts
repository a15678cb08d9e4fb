// A form's command: run it; on success say so and reload the page's data; on
// a refusal put the service's message where the form shows it.
import { ElMessage } from 'element-plus'
import { t } from './i18n'

export async function submit(
  run: () => Promise<unknown>,
  showError: (message: string) => void,
  reload?: () => Promise<unknown>,
): Promise<boolean> {
  showError('')
  try {
    await run()
  } catch (e: any) {
    showError(e?.message ?? String(e))
    return false
  }
  ElMessage.success(t('saved'))
  if (reload) await reload()
  return true
}
