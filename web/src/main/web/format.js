// How the page writes numbers. Credits stay the API's exact decimal strings; money is minor units + currency.

/** `{amount: 2320, currency: "usd"}` as "$23.20". */
export function money(m) {
  if (!m) {
    return '';
  }
  const digits = fractionDigits(m.currency);
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: m.currency.toUpperCase() })
    .format(m.amount / 10 ** digits);
}

/** How many decimals the currency has (2 for usd, 0 for jpy). */
export function fractionDigits(currency) {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() })
    .resolvedOptions().maximumFractionDigits;
}

/** "19.5" in usd as 1950, exactly (no floating point); null when it is not a plain amount of that currency. */
export function toMinorUnits(text, currency) {
  const digits = fractionDigits(currency);
  const match = /^(\d{1,9})(?:\.(\d*))?$/.exec(text.trim());
  if (!match || (match[2] ?? '').length > digits) {
    return null;
  }
  return Number(match[1]) * 10 ** digits + Number((match[2] ?? '').padEnd(digits, '0') || 0);
}

/** 1950 in usd as "19.50": what the fixed-price field shows. */
export function fromMinorUnits(amount, currency) {
  const digits = fractionDigits(currency);
  return digits === 0 ? String(amount) : (amount / 10 ** digits).toFixed(digits);
}

/** A signed change of credits as the log shows it: "+10", "-0.25". */
export function signed(credits) {
  return credits.startsWith('-') || credits === '0' ? credits : `+${credits}`;
}

/** "2026-11-26T06:56:13.883Z" as "2026-11-26 06:56 UTC". */
export function when(iso) {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : '';
}

/** "dispute_reversal" as "Dispute reversal". */
export function words(wire) {
  const text = wire.replaceAll('_', ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The periods from..to (inclusive, UTC) as the usage route names them: "2026-11-26" or "2026-11". */
export function periods(granularity, today = new Date()) {
  const out = [];
  if (granularity === 'month') {
    for (let i = 11; i >= 0; i--) {
      const d = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - i, 1));
      out.push(d.toISOString().slice(0, 7));
    }
  } else {
    for (let i = 29; i >= 0; i--) {
      out.push(new Date(today.getTime() - i * 86_400_000).toISOString().slice(0, 10));
    }
  }
  return out;
}
