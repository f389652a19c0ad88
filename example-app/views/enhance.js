/*
 * The pages' only script, inlined by layout.eta and allowed by its hash in the CSP (console.ts).
 * The pages work without it: times stay in UTC, and the resend button stays disabled until the
 * page is loaded again.
 */
/* global document, performance, setTimeout */
'use strict'
{
  const dateAndTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'long' })
  const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'long' })
  for (const time of document.querySelectorAll('time[datetime]')) {
    const date = new Date(time.dateTime)
    if (Number.isNaN(date.getTime())) continue
    // The server's UTC text stays at hand, on hover.
    time.title = time.textContent
    time.textContent = (time.dataset.format === 'time' ? timeOnly : dateAndTime).format(date)
  }

  // Counts from the seconds the server computed, not to its clock's time: a browser clock that
  // is off would open the button too early or too late.
  for (const counter of document.querySelectorAll('[data-countdown]')) {
    const form = counter.closest('form')
    const endsAt = performance.now() + Number(counter.dataset.countdown) * 1000
    const tick = () => {
      const left = Math.max(0, Math.ceil((endsAt - performance.now()) / 1000))
      counter.textContent = String(left)
      if (left > 0) {
        setTimeout(tick, endsAt - performance.now() - (left - 1) * 1000)
        return
      }
      for (const waiting of form.querySelectorAll('[data-countdown-waiting]')) waiting.hidden = true
      for (const done of form.querySelectorAll('[data-countdown-done]')) done.hidden = false
      form.querySelector('button').disabled = false
    }
    tick()
  }
}
