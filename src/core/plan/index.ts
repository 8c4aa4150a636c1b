/**
 * The campaign planner: parses `--interval`, `--start-date`, `--window` and plans posts across time
 * zones, daily windows and platform quotas. Pure: no I/O, the current time is passed in.
 *
 * @packageDocumentation
 */
export * from './interval.js';
export * from './start-date.js';
export * from './daily-window.js';
export * from './time-zone.js';
export * from './order-clips.js';
export * from './quota.js';
export * from './plan-slots.js';
export * from './plan-campaign.js';
export * from './describe-plan.js';
