import { initAll, isSupported } from './govuk-frontend.min.js'

// The GOV.UK template adds these classes with an inline script; our CSP forbids inline scripts.
document.body.classList.add('js-enabled')
if (isSupported()) document.body.classList.add('govuk-frontend-supported')

initAll()
