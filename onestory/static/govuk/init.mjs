import { initAll } from './govuk-frontend.min.js'

// The GOV.UK template adds these classes with an inline script; our CSP forbids inline scripts.
// A browser that runs this module supports GOV.UK Frontend (the template's own test is the same),
// and initAll() starts the components only once the body says so.
document.body.classList.add('js-enabled')
if ('noModule' in HTMLScriptElement.prototype) document.body.classList.add('govuk-frontend-supported')

initAll()
