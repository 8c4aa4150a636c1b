import { DateTime } from 'luxon';
import { useEffect, useState } from 'react';
import { api } from './api.js';
import { PLATFORM_NAMES, type AccountHealth, type AccountSettings, type Platform } from './types.js';

/** Accounts: health (token expiry, needs reauth, quota use in the platform's window) and connect buttons. */
export function AccountsPage(props: { zone: string }) {
  const [data, setData] = useState<{ accounts: AccountHealth[]; platforms: Platform[] } | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [saveError, setSaveError] = useState<string | undefined>();
  /** Saves YouTube's made-for-kids default; the row shows the server's answer, or the refusal in words. */
  async function setMadeForKids(id: string, value: boolean) {
    setSaveError(undefined);
    try {
      const saved = await api.patch<{ settings: AccountSettings }>(`/accounts/${id}`, {
        selfDeclaredMadeForKids: value,
      });
      setData(
        (d) =>
          d && {
            ...d,
            accounts: d.accounts.map((a) => (a.id === id ? { ...a, settings: saved.settings } : a)),
          },
      );
    } catch (e) {
      setSaveError((e as Error).message);
    }
  }
  useEffect(() => {
    api
      .get<{ accounts: AccountHealth[]; platforms: Platform[] }>('/dashboard/accounts')
      .then(setData)
      .catch((e: Error) => setError(e.message));
  }, []);
  if (error)
    return (
      <p className="error" role="alert">
        {error}
      </p>
    );
  if (!data) return <p>Loading accounts…</p>;
  return (
    <div className="accounts">
      <h2>Accounts</h2>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Platform</th>
              <th scope="col">Account</th>
              <th scope="col">Health</th>
              <th scope="col">Token expires</th>
              <th scope="col">Quota in use</th>
              <th scope="col">Made for kids</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.accounts.map((a) => (
              <tr key={a.id}>
                <td>{PLATFORM_NAMES[a.platform]}</td>
                <td>
                  {a.handle}
                  {a.sandbox && <span className="tag">sandbox</span>}
                </td>
                <td className={a.status === 'ok' ? 'ok' : 'bad'}>
                  {a.status === 'needs_reauth' ? 'needs reauth' : a.status}
                </td>
                <td>
                  {a.tokenExpiresAt
                    ? DateTime.fromISO(a.tokenExpiresAt, { zone: props.zone }).toFormat('d LLL yyyy HH:mm')
                    : '—'}
                </td>
                <td>
                  <meter
                    min={0}
                    max={a.quota.limit}
                    value={a.quota.used}
                    aria-label={`${a.quota.used} of ${a.quota.limit}`}
                  />{' '}
                  {a.quota.used}/{a.quota.limit}
                  <div className="hint">{a.quota.rule}</div>
                </td>
                <td>
                  {a.platform === 'youtube' ? (
                    <select
                      aria-label={`Made for kids, ${a.handle}`}
                      value={
                        a.settings.selfDeclaredMadeForKids === undefined
                          ? ''
                          : String(a.settings.selfDeclaredMadeForKids)
                      }
                      onChange={(e) => void setMadeForKids(a.id, e.target.value === 'true')}
                    >
                      {a.settings.selfDeclaredMadeForKids === undefined && (
                        <option value="">not set (needed to publish)</option>
                      )}
                      <option value="false">no</option>
                      <option value="true">yes</option>
                    </select>
                  ) : (
                    '—'
                  )}
                </td>
                <td>
                  <a className="button" href={`/oauth/${a.platform}/start`}>
                    Reconnect
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {saveError && (
        <p className="error" role="alert">
          {saveError}
        </p>
      )}
      <h3>Connect an account</h3>
      <p className="connect">
        {data.platforms.map((p) => (
          <a key={p} className="button" href={`/oauth/${p}/start`}>
            Connect {PLATFORM_NAMES[p]}
          </a>
        ))}
      </p>
    </div>
  );
}
