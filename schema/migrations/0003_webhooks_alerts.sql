CREATE TABLE `alert_events` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`at` integer NOT NULL,
	`host_id` integer,
	`subnet_id` integer,
	`probe_id` integer,
	`muted` integer DEFAULT false NOT NULL,
	`muted_by` integer,
	`body` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `alert_events_at_idx` ON `alert_events` (`at`);--> statement-breakpoint
CREATE INDEX `alert_events_host_idx` ON `alert_events` (`host_id`,`at`);--> statement-breakpoint
CREATE TABLE `alert_states` (
	`subject` text PRIMARY KEY NOT NULL,
	`host_id` integer,
	`subnet_id` integer,
	`state` text NOT NULL,
	`notified` text,
	`ups` integer DEFAULT 0 NOT NULL,
	`since` integer NOT NULL,
	`last_sent_at` integer,
	`detail` text,
	`rev` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`host_id`) REFERENCES `hosts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`subnet_id`) REFERENCES `subnets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `alert_states_subnet_idx` ON `alert_states` (`subnet_id`);--> statement-breakpoint
CREATE INDEX `alert_states_owed_idx` ON `alert_states` (`subnet_id`,`host_id`) WHERE "alert_states"."notified" IS NOT "alert_states"."state";--> statement-breakpoint
CREATE INDEX `alert_states_down_idx` ON `alert_states` (`subnet_id`,`last_sent_at`) WHERE "alert_states"."state" = 'down';--> statement-breakpoint
CREATE TABLE `maintenance_windows` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`scope` text NOT NULL,
	`subnet_id` integer,
	`host_id` integer,
	`tag` text,
	`kind` text NOT NULL,
	`starts_at` integer,
	`ends_at` integer,
	`weekdays` text,
	`start_time` text,
	`duration_minutes` integer,
	`time_zone` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`subnet_id`) REFERENCES `subnets`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`host_id`) REFERENCES `hosts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `maintenance_windows_subnet_idx` ON `maintenance_windows` (`subnet_id`);--> statement-breakpoint
CREATE TABLE `webhook_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`delivery_id` integer NOT NULL,
	`endpoint_id` integer NOT NULL,
	`event_id` text NOT NULL,
	`at` integer NOT NULL,
	`status_code` integer,
	`duration_ms` integer NOT NULL,
	`error` text,
	FOREIGN KEY (`delivery_id`) REFERENCES `webhook_deliveries`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `webhook_attempts_endpoint_idx` ON `webhook_attempts` (`endpoint_id`,`at`);--> statement-breakpoint
CREATE INDEX `webhook_attempts_at_idx` ON `webhook_attempts` (`at`);--> statement-breakpoint
CREATE INDEX `webhook_attempts_delivery_idx` ON `webhook_attempts` (`delivery_id`,`id`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` text NOT NULL,
	`endpoint_id` integer NOT NULL,
	`order_key` text NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`lease_until` integer,
	`last_status` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`event_id`) REFERENCES `alert_events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`endpoint_id`) REFERENCES `webhook_endpoints`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_due_idx` ON `webhook_deliveries` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_order_idx` ON `webhook_deliveries` (`endpoint_id`,`order_key`,`state`,`id`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_event_idx` ON `webhook_deliveries` (`event_id`);--> statement-breakpoint
CREATE TABLE `webhook_endpoints` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`url` text NOT NULL,
	`format` text DEFAULT 'generic' NOT NULL,
	`event_types` text NOT NULL,
	`subnet_ids` text,
	`tags` text,
	`enabled` integer DEFAULT true NOT NULL,
	`disabled_reason` text,
	`secret` text NOT NULL,
	`previous_secret` text,
	`previous_secret_until` integer,
	`failing_since` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `subnets` ADD `down_after_failures` integer;--> statement-breakpoint
ALTER TABLE `subnets` ADD `alert_up_after` integer;--> statement-breakpoint
ALTER TABLE `subnets` ADD `alert_reminder_minutes` integer;--> statement-breakpoint
ALTER TABLE `subnets` ADD `alert_send_resolved` integer;--> statement-breakpoint
ALTER TABLE `subnets` ADD `alert_degraded_share` real;--> statement-breakpoint
ALTER TABLE `subnets` ADD `alert_degraded_min_hosts` integer;--> statement-breakpoint
-- hand-written: hosts unknown at the upgrade (their probe offline) get the alert state of their last known status,
-- as a known host's is assumed (worker/ingest/sweep-alerts.ts), so one long down is no news when the probe returns
INSERT INTO `alert_states` (`subject`, `host_id`, `subnet_id`, `state`, `notified`, `ups`, `since`, `last_sent_at`)
SELECT 'host:' || h.`id`, h.`id`, h.`subnet_id`, e.`to_status`, e.`to_status`, 0, e.`at`, CASE e.`to_status` WHEN 'down' THEN e.`at` END
FROM `hosts` h
JOIN `host_events` e ON e.`id` = (
	SELECT x.`id` FROM `host_events` x WHERE x.`host_id` = h.`id` AND x.`to_status` IN ('up', 'down') ORDER BY x.`at` DESC, x.`id` DESC LIMIT 1
)
WHERE h.`status` = 'unknown'
ON CONFLICT DO NOTHING;
