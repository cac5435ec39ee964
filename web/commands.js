// A record action's form values as the API's payload.

/** A payload from flat form values: `owner.phone` becomes { owner: { phone } }; empty values are left out. */
export const payloadOf = (values) => {
  const payload = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === '' || value === undefined || value === null) continue;
    const path = name.split('.');
    let at = payload;
    for (const key of path.slice(0, -1)) at = at[key] ??= {};
    at[path.at(-1)] = value;
  }
  return payload;
};
