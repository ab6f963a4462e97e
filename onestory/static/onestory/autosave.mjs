// Saves a form as it is typed, and keeps what was typed on this device while the connection is
// lost. Two kinds of form use it:
//
// - A record with a draft state of its own (a case note, an early help assessment): the form names
//   where to save (data-autosave-url) and its key on this device (data-autosave-key), and carries
//   its version in a hidden input named "version". The answer is JSON {version, saved_at}, or 409
//   {message} when someone else saved first.
// - Any other long form, through {% form_draft form %} (onestory/core/drafts.py): a hidden input
//   named "_draft" carries a signed token, the save URL (data-draft-url), the key on this device
//   and, when its author left one, the saved draft to put back (data-draft-saved). The answer is
//   JSON {saved_at}. The draft is the author's alone and is deleted once the form is accepted.
//
// After a few seconds of quiet, and when the page is hidden, the form is sent to the save URL.
// While a save fails (offline, a server error, signed out) the form's data stays in localStorage
// and is sent again when the connection is back and every 15 seconds; a page opened later puts
// it back in the form. Signing out clears this device's copies (Clear-Site-Data).
// Without this script the form's own buttons still work: only the saving as it is typed is lost.

const QUIET_MS = 3000
const RETRY_MS = 15000
// Not sent or put back: the request's CSRF token, the draft token and a create form's one-time
// token are the page's own. A record's version is managed by its saves; a form draft keeps the
// version it was typed against, so that sending it after someone else's change is refused.
const NOT_RESTORED = ['csrfmiddlewaretoken', '_draft', 'form_token']
const SENT_KEY = 'onestory.sent'
// A formset's count of rows belongs to the rows the page drew, not to the ones typed earlier.
const FORMSET_COUNTS = /-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$/

function clock (date) {
  return date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' })
}

// Set when the worker signs out: nothing more is kept on this device or sent.
let signingOut = false

function readStored (key) {
  try {
    return JSON.parse(window.localStorage.getItem(key) || 'null')
  } catch {
    return null
  }
}

function writeStored (key, value) {
  if (signingOut) return false
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

function fieldsOf (form, skipped) {
  return Array.from(new FormData(form).entries())
    .filter(([name, value]) => !skipped.has(name) && typeof value === 'string')
}

function restore (form, fields, skipped) {
  const values = new Map()
  for (const [name, value] of fields) {
    if (!values.has(name)) values.set(name, [])
    values.get(name).push(value)
  }
  const groups = new Map()
  for (const control of form.elements) {
    if (!control.name || skipped.has(control.name) || FORMSET_COUNTS.test(control.name) || control.type === 'submit') continue
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

// The two kinds of form, as start() needs them.
function recordForm (form) {
  const versionInput = form.querySelector('input[name="version"]')
  if (!form.dataset.autosaveUrl || !form.dataset.autosaveKey || !versionInput) return null
  return {
    url: form.dataset.autosaveUrl,
    key: form.dataset.autosaveKey,
    versionInput,
    skipped: new Set(['csrfmiddlewaretoken', 'version']),
    // The live region at the top of the page, and a copy by the buttons (not announced twice).
    statuses: document.querySelectorAll('#autosave-status, [data-autosave-status]'),
    top: false,
    saved: null
  }
}

function draftForm (token) {
  // Accepted by the service just now, and shown again: this device's copy is out of date.
  if (token.dataset.draftAccepted !== undefined) removeStored(token.dataset.autosaveKey)
  let saved = null
  try {
    saved = JSON.parse(token.dataset.draftSaved || 'null')
  } catch {}
  return {
    url: token.dataset.draftUrl,
    key: token.dataset.autosaveKey,
    versionInput: null,
    skipped: new Set(['csrfmiddlewaretoken', '_draft']),
    statuses: token.form.querySelectorAll('[data-draft-status]'),
    top: true,
    saved
  }
}

function start (form, mode) {
  const { url, key, versionInput, skipped, statuses } = mode
  const csrf = form.querySelector('input[name="csrfmiddlewaretoken"]')
  const notRestored = new Set([...skipped, ...NOT_RESTORED])

  let timer = null
  let retry = null
  let saving = null
  let dirty = false
  let stopped = false

  function say (text, kind, action, top = false) {
    // A draft put back is also said at the top of a form, where it is seen on opening; later
    // news is said by the buttons only, so the form does not move while someone types.
    let places = statuses
    if (top && mode.top) {
      const box = document.createElement('div')
      form.prepend(box)
      places = [box, ...statuses]
    }
    for (const status of places) {
      status.replaceChildren()
      if (!text) continue
      const box = document.createElement('div')
      box.className = kind === 'problem'
        ? 'govuk-inset-text govuk-!-font-weight-bold'
        : 'govuk-inset-text'
      box.textContent = text
      if (action) box.append(' ', action())
      status.append(box)
    }
  }

  function keepOnDevice () {
    writeStored(key, {
      version: versionInput ? versionInput.value : null,
      at: Date.now(),
      fields: fieldsOf(form, skipped)
    })
  }

  function failed (text) {
    dirty = true
    keepOnDevice()
    say(text, 'problem')
    if (!retry) retry = window.setInterval(() => { save() }, RETRY_MS)
  }

  function succeeded (answer) {
    if (versionInput) versionInput.value = String(answer.version)
    if (!dirty) removeStored(key)
    if (retry) {
      window.clearInterval(retry)
      retry = null
    }
    say(versionInput
      ? `Draft saved at ${answer.saved_at}`
      : `Draft saved at ${answer.saved_at}. Only you can see it; it joins the record when you send the form.`)
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
    if (response.ok && json && (versionInput ? answer.version : answer.saved_at)) {
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
    if (stopped || signingOut) return Promise.resolve()
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

  function discardButton () {
    const button = document.createElement('button')
    button.type = 'button'
    button.className = 'govuk-button govuk-button--secondary govuk-!-margin-bottom-0 govuk-!-margin-top-2'
    button.textContent = 'Discard it and start again'
    button.addEventListener('click', async () => {
      stopped = true
      removeStored(key)
      const body = new FormData(form)
      body.set('discard', '1')
      await window.fetch(url, {
        method: 'POST', body, credentials: 'same-origin', headers: { 'X-CSRFToken': csrf ? csrf.value : '' }
      }).catch(() => {})
      window.location.reload()
    })
    return button
  }

  // Put back what this device kept from a save that did not reach the server: it is newer than
  // anything the server has, which is removed from the device once saved.
  const kept = readStored(key)
  if (kept && Array.isArray(kept.fields) && (!versionInput || String(kept.version) === versionInput.value)) {
    restore(form, kept.fields, notRestored)
    const when = kept.at ? ` at ${clock(new Date(kept.at))}` : ''
    say(`What you typed on this device${when} had not been saved: it is back in the form and will be saved in a moment.`, 'problem', null, true)
    schedule()
  } else if (mode.saved && Array.isArray(mode.saved.fields)) {
    removeStored(key)
    restore(form, mode.saved.fields, notRestored)
    say(`What you typed on ${mode.saved.saved_at} and did not send is back in the form. It is not part of the record until you send it.`, 'problem', discardButton, true)
  } else {
    // The draft has been saved since (usually by that very save): nothing to put back.
    removeStored(key)
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
    if (!versionInput) {
      // Whatever this device still holds is forgotten once the next page shows the form was
      // accepted (see the end of this file), and kept if it comes back refused.
      keepOnDevice()
      try { window.sessionStorage.setItem(SENT_KEY, key) } catch {}
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

// A form draft sent from the previous page: if this page is a signed-in page without that form,
// the form was accepted, so this device's copy goes. (On the sign-in page, after a session
// expired, it stays, to be put back once signed in.)
let sent = null
try { sent = window.sessionStorage.getItem(SENT_KEY) } catch {}
if (sent) {
  const forms = Array.from(document.querySelectorAll('input[name="_draft"]')).map((token) => token.dataset.autosaveKey)
  if (document.body.dataset.signedIn !== undefined) {
    if (!forms.includes(sent)) removeStored(sent)
    try { window.sessionStorage.removeItem(SENT_KEY) } catch {}
  }
}

// Signing out forgets every form this device kept (the sign-out answer's Clear-Site-Data does
// the same, but a page saving as it closes could write after it).
for (const form of document.querySelectorAll('form[data-sign-out]')) {
  form.addEventListener('submit', () => {
    signingOut = true
    try {
      for (const key of Object.keys(window.localStorage)) {
        if (key.startsWith('onestory.')) window.localStorage.removeItem(key)
      }
    } catch {}
  })
}

for (const form of document.querySelectorAll('form[data-autosave-url]')) {
  const mode = recordForm(form)
  if (mode) start(form, mode)
}
for (const token of document.querySelectorAll('form input[name="_draft"][data-draft-url]')) {
  start(token.form, draftForm(token))
}
for (const element of document.querySelectorAll('[data-autosave-clear]')) {
  removeStored(element.dataset.autosaveClear)
}
