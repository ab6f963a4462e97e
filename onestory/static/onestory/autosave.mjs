// Saves a draft form as it is typed, and keeps what was typed on this device while the
// connection is lost.
//
// The form names where to save (data-autosave-url) and its key on this device
// (data-autosave-key), and carries its version in a hidden input named "version". After a few
// seconds of quiet, and when the page is hidden, the form is sent to the autosave URL; the
// answer is JSON {version, saved_at}, or 409 {message} when someone else saved first. While a
// save fails (offline, a server error, signed out) the form's data stays in localStorage with the
// version it was based on, and is sent again when the connection is back and every 15 seconds.
// A page opened later at that same version puts it back in the form.
// Without this script the form's own "Save draft" button does the same job.

const QUIET_MS = 3000
const RETRY_MS = 15000
const SKIPPED = new Set(['csrfmiddlewaretoken', 'version'])

function clock (date) {
  return date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' })
}

function readStored (key) {
  try {
    return JSON.parse(window.localStorage.getItem(key) || 'null')
  } catch {
    return null
  }
}

function writeStored (key, value) {
  try {
    window.localStorage.setItem(key, JSON.stringify(value))
    return true
  } catch {
    return false // storage full or refused: the page still holds the answers
  }
}

function removeStored (key) {
  try {
    window.localStorage.removeItem(key)
  } catch {}
}

function fieldsOf (form) {
  return Array.from(new FormData(form).entries())
    .filter(([name, value]) => !SKIPPED.has(name) && typeof value === 'string')
}

function restore (form, fields) {
  const values = new Map()
  for (const [name, value] of fields) {
    if (!values.has(name)) values.set(name, [])
    values.get(name).push(value)
  }
  const groups = new Map()
  for (const control of form.elements) {
    if (!control.name || SKIPPED.has(control.name) || control.type === 'submit') continue
    const wanted = values.get(control.name) || []
    if (control.type === 'radio' || control.type === 'checkbox') {
      control.checked = wanted.includes(control.value)
      if (!groups.has(control.name)) groups.set(control.name, control)
    } else if ('value' in control) {
      control.value = wanted[0] ?? ''
    }
  }
  // GOV.UK radios and checkboxes show and hide their conditional parts on click: tell them.
  for (const control of groups.values()) {
    control.dispatchEvent(new Event('click', { bubbles: true }))
  }
}

function start (form) {
  const url = form.dataset.autosaveUrl
  const key = form.dataset.autosaveKey
  const versionInput = form.querySelector('input[name="version"]')
  const csrf = form.querySelector('input[name="csrfmiddlewaretoken"]')
  // The live region at the top of the page, and a copy by the buttons (not announced twice).
  const statuses = document.querySelectorAll('#autosave-status, [data-autosave-status]')
  if (!url || !key || !versionInput) return

  let timer = null
  let retry = null
  let saving = null
  let dirty = false
  let stopped = false

  function say (text, kind) {
    for (const status of statuses) {
      status.replaceChildren()
      if (!text) continue
      const box = document.createElement('div')
      box.className = kind === 'problem'
        ? 'govuk-inset-text govuk-!-font-weight-bold'
        : 'govuk-inset-text'
      box.textContent = text
      status.append(box)
    }
  }

  function keepOnDevice () {
    writeStored(key, { version: versionInput.value, at: Date.now(), fields: fieldsOf(form) })
  }

  function failed (text) {
    dirty = true
    keepOnDevice()
    say(text, 'problem')
    if (!retry) retry = window.setInterval(() => { save() }, RETRY_MS)
  }

  function succeeded (answer) {
    versionInput.value = String(answer.version)
    if (!dirty) removeStored(key)
    if (retry) {
      window.clearInterval(retry)
      retry = null
    }
    say(`Draft saved at ${answer.saved_at}`)
  }

  async function send (keepalive) {
    dirty = false
    // Kept on this device until the server has it, so a lost connection or a closed tab
    // loses nothing.
    keepOnDevice()
    const body = new FormData(form)
    let response
    try {
      response = await window.fetch(url, {
        method: 'POST',
        body,
        credentials: 'same-origin',
        keepalive,
        headers: { 'X-Requested-With': 'fetch', 'X-CSRFToken': csrf ? csrf.value : '' }
      })
    } catch {
      // A page being hidden sends with keepalive, which refuses large forms: send it plainly.
      if (keepalive) return send(false)
      failed('Not saved: you seem to be offline. What you typed is kept on this device and will be saved when the connection is back.')
      return
    }
    const json = (response.headers.get('Content-Type') || '').includes('application/json')
    const answer = json ? await response.json().catch(() => ({})) : {}
    if (response.ok && json && answer.version) {
      succeeded(answer)
    } else if (response.status === 409) {
      // Someone else saved first: saving again would overwrite their work, so stop here.
      stopped = true
      removeStored(key)
      if (retry) window.clearInterval(retry)
      say(answer.message || 'Not saved: this was saved elsewhere after you opened it.', 'problem')
    } else if (response.status === 400 && json) {
      dirty = true
      say(answer.message || 'Not saved: check your answers, then use “Save draft”.', 'problem')
    } else if (response.redirected || !json) {
      failed('Not saved: you have been signed out. What you typed is kept on this device: sign in again in another tab, and it will be saved.')
    } else {
      failed('Not saved: the service did not answer. What you typed is kept on this device and will be saved when it is back.')
    }
  }

  function save (keepalive = false) {
    if (stopped) return Promise.resolve()
    if (timer) {
      window.clearTimeout(timer)
      timer = null
    }
    if (saving) {
      // One save at a time: anything typed meanwhile is saved when this one ends.
      return saving
    }
    saving = send(keepalive).finally(() => {
      saving = null
      if (dirty && !retry && !stopped && !timer) schedule()
    })
    return saving
  }

  function schedule () {
    if (stopped) return
    dirty = true
    if (timer) window.clearTimeout(timer)
    timer = window.setTimeout(() => { save() }, QUIET_MS)
  }

  // Put back what this device kept from a save that did not reach the server.
  const kept = readStored(key)
  if (kept && Array.isArray(kept.fields)) {
    if (String(kept.version) === versionInput.value) {
      restore(form, kept.fields)
      const when = kept.at ? ` at ${clock(new Date(kept.at))}` : ''
      say(`What you typed on this device${when} had not been saved: it is back in the form and will be saved in a moment.`, 'problem')
      schedule()
    } else {
      // The draft has been saved since (usually by that very save): nothing to put back.
      removeStored(key)
    }
  }

  form.addEventListener('input', schedule)
  form.addEventListener('change', schedule)
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden' && (dirty || timer)) save(true)
  })
  window.addEventListener('pageshow', (event) => {
    // Back to this page after sending the form: keep saving as before.
    if (event.persisted) stopped = false
  })
  window.addEventListener('online', () => {
    if (dirty || retry) save()
  })
  form.addEventListener('submit', (event) => {
    if (timer) {
      window.clearTimeout(timer)
      timer = null
    }
    if (retry) {
      window.clearInterval(retry)
      retry = null
    }
    if (saving) {
      // Let the save under way finish, so the form is sent with the version it made.
      event.preventDefault()
      const submitter = event.submitter
      saving.finally(() => {
        stopped = true
        form.requestSubmit(submitter)
      })
      return
    }
    stopped = true
  })
}

for (const form of document.querySelectorAll('form[data-autosave-url]')) start(form)
for (const element of document.querySelectorAll('[data-autosave-clear]')) {
  removeStored(element.dataset.autosaveClear)
}
