CREATE TABLE `operation_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`operation_id` text NOT NULL,
	`probe_id` integer,
	`probe_name` text NOT NULL,
	`site` text NOT NULL,
	`state` text NOT NULL,
	`code` text,
	`error` text,
	`address` text,
	`done` integer,
	`total` integer,
	`seq` integer DEFAULT -1 NOT NULL,
	`result` text,
	`started_at` integer,
	`finished_at` integer,
	`updated_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`operation_id`) REFERENCES `operations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`probe_id`) REFERENCES `probes`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `operation_runs_operation_idx` ON `operation_runs` (`operation_id`);--> statement-breakpoint
CREATE INDEX `operation_runs_probe_state_idx` ON `operation_runs` (`probe_id`,`state`);--> statement-breakpoint
CREATE TABLE `operations` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`target` text NOT NULL,
	`params` text NOT NULL,
	`selection` text NOT NULL,
	`requested_by` integer,
	`requested_by_name` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`requested_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `operations_created_idx` ON `operations` (`created_at`);--> statement-breakpoint
CREATE INDEX `operations_user_idx` ON `operations` (`requested_by`,`created_at`);--> statement-breakpoint
CREATE TABLE `rdap_cache` (
	`key` text PRIMARY KEY NOT NULL,
	`server` text NOT NULL,
	`url` text NOT NULL,
	`body` text NOT NULL,
	`fetched_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rdap_cache_expires_idx` ON `rdap_cache` (`expires_at`);