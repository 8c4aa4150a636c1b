import { DateTime } from 'luxon';
import { useState, type DragEvent, type ReactNode } from 'react';
import { PostChip } from './post-chip.js';
import type { ZoneClock } from './time.js';
import type { CalendarPost as Post } from './types.js';

/** What every calendar view gets. */
export interface CalendarProps {
  days: string[];
  /** Visible posts, by day key (`YYYY-MM-DD` in the zone), each day sorted by time. */
  byDay: Map<string, Post[]>;
  clock: ZoneClock;
  handles: Map<string, string>;
  progress: Map<string, number>;
  onOpen: (id: string) => void;
  /** A post dropped on a day (month, agenda) or an hour of a day (week, day). */
  onDrop: (postId: string, day: string, hour?: number) => void;
  onShowDay: (day: string) => void;
  today: string;
  anchorMonth?: string;
}

function useDropTarget(onDrop: (postId: string) => void) {
  const [over, setOver] = useState(false);
  return {
    over,
    handlers: {
      onDragOver: (e: DragEvent) => {
        if (!e.dataTransfer.types.includes('text/x-clipcast-post')) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'move';
        setOver(true);
      },
      onDragLeave: () => setOver(false),
      onDrop: (e: DragEvent) => {
        e.preventDefault();
        setOver(false);
        const id = e.dataTransfer.getData('text/x-clipcast-post');
        if (id) onDrop(id);
      },
    },
  };
}

function chips(props: CalendarProps, posts: Post[], compact = false): ReactNode {
  return posts.map((p) => (
    <li key={p.id}>
      <PostChip
        post={p}
        time={props.clock.time(p.at)}
        handle={props.handles.get(p.accountId) ?? p.accountId}
        pct={props.progress.get(p.id)}
        onOpen={props.onOpen}
        compact={compact}
      />
    </li>
  ));
}

const MONTH_SHOWN = 3;

function MonthCell(props: CalendarProps & { day: string }) {
  const { day } = props;
  const posts = props.byDay.get(day) ?? [];
  const drop = useDropTarget((id) => props.onDrop(id, day));
  const d = DateTime.fromISO(day);
  const outside = props.anchorMonth !== undefined && day.slice(0, 7) !== props.anchorMonth;
  const more = posts.length - MONTH_SHOWN;
  return (
    <section
      className={`cell${outside ? ' outside' : ''}${day === props.today ? ' today' : ''}${drop.over ? ' over' : ''}`}
      aria-label={d.toFormat('cccc d LLLL')}
      data-day={day}
      {...drop.handlers}
    >
      <header>
        <span className="dn">{d.day}</span>
        {posts.length > 0 && (
          <button
            type="button"
            className="count"
            onClick={() => props.onShowDay(day)}
            aria-label={`${posts.length} posts on ${d.toFormat('d LLLL')}: open the day`}
          >
            {posts.length}
          </button>
        )}
      </header>
      <ul className="chips">{chips(props, posts.slice(0, MONTH_SHOWN), true)}</ul>
      {more > 0 && (
        <button type="button" className="more" onClick={() => props.onShowDay(day)}>
          +{more} more
        </button>
      )}
    </section>
  );
}

/** Month grid, Monday first; each day shows its first posts and opens the day view for the rest. */
export function MonthView(props: CalendarProps) {
  const names = props.days.slice(0, 7).map((d) => DateTime.fromISO(d).toFormat('ccc'));
  return (
    <div className="month">
      <div className="dow" aria-hidden="true">
        {names.map((n) => (
          <span key={n}>{n}</span>
        ))}
      </div>
      <div className="grid">
        {props.days.map((day) => (
          <MonthCell key={day} {...props} day={day} />
        ))}
      </div>
    </div>
  );
}

function HourCell(props: CalendarProps & { day: string; hour: number; posts: Post[]; cap: number }) {
  const drop = useDropTarget((id) => props.onDrop(id, props.day, props.hour));
  const more = props.posts.length - props.cap;
  return (
    <div
      className={`slot${drop.over ? ' over' : ''}`}
      data-day={props.day}
      data-hour={props.hour}
      {...drop.handlers}
    >
      <ul className="chips">{chips(props, props.posts.slice(0, props.cap))}</ul>
      {more > 0 && (
        <button type="button" className="more" onClick={() => props.onShowDay(props.day)}>
          +{more} more
        </button>
      )}
    </div>
  );
}

/** Week (7 columns) or day (1 column) by hour; dropping on an hour keeps the post's minutes. */
export function TimeGrid(props: CalendarProps) {
  const cap = props.days.length > 1 ? 2 : 50;
  const hours = Array.from({ length: 24 }, (_, h) => h);
  const byHour = new Map<string, Post[]>();
  for (const day of props.days) {
    for (const p of props.byDay.get(day) ?? []) {
      const key = `${day}T${props.clock.hour(p.at)}`;
      const list = byHour.get(key) ?? [];
      list.push(p);
      byHour.set(key, list);
    }
  }
  return (
    <div className={`timegrid cols-${props.days.length}`}>
      <div className="th corner" aria-hidden="true" />
      {props.days.map((d) => (
        <div key={d} className={`th${d === props.today ? ' today' : ''}`}>
          {DateTime.fromISO(d).toFormat('ccc d')}
        </div>
      ))}
      {hours.map((h) => (
        <div key={h} className="row" role="group" aria-label={`${String(h).padStart(2, '0')}:00`}>
          <div className="hr">{String(h).padStart(2, '0')}:00</div>
          {props.days.map((d) => (
            <HourCell key={d} {...props} day={d} hour={h} posts={byHour.get(`${d}T${h}`) ?? []} cap={cap} />
          ))}
        </div>
      ))}
    </div>
  );
}

const AGENDA_PAGE = 300;

/** Every post of the month in time order, grouped by day. */
export function AgendaView(props: CalendarProps) {
  const [shown, setShown] = useState(AGENDA_PAGE);
  let budget = shown;
  const groups: ReactNode[] = [];
  let total = 0;
  for (const day of props.days) {
    const posts = props.byDay.get(day) ?? [];
    total += posts.length;
    if (!posts.length || budget <= 0) continue;
    const part = posts.slice(0, budget);
    budget -= part.length;
    groups.push(
      <section key={day} className="agenda-day" aria-label={DateTime.fromISO(day).toFormat('cccc d LLLL')}>
        <h3>{DateTime.fromISO(day).toFormat('cccc d LLLL')}</h3>
        <ul className="chips">{chips(props, part)}</ul>
      </section>,
    );
  }
  return (
    <div className="agenda">
      {groups.length ? groups : <p className="empty">No posts in this month with these filters.</p>}
      {total > shown && (
        <button type="button" className="more" onClick={() => setShown(shown + AGENDA_PAGE)}>
          Show more ({total - shown} left)
        </button>
      )}
    </div>
  );
}
