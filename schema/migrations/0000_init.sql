-- host_samples and host_hourly are WITHOUT ROWID by hand: drizzle-kit cannot declare it.
CREATE TABLE `api_tokens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`user_id` integer,
	`last_used_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_hash_uq` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_expires_idx` ON `sessions` (`expires_at`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`username` text NOT NULL,
	`password_hash` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_uq` ON `users` (`username`);--> statement-breakpoint
CREATE TABLE `host_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`host_id` integer NOT NULL,
	`at` integer NOT NULL,
	`from_status` text NOT NULL,
	`to_status` text NOT NULL,
	`probe_id` integer,
	FOREIGN KEY (`host_id`) REFERENCES `hosts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `host_events_host_at_idx` ON `host_events` (`host_id`,`at`);--> statement-breakpoint
CREATE INDEX `host_events_at_idx` ON `host_events` (`at`);--> statement-breakpoint
CREATE TABLE `host_hourly` (
	`host_id` integer NOT NULL,
	`hour` integer NOT NULL,
	`samples` integer NOT NULL,
	`up_samples` integer NOT NULL,
	`latency_sum_ms` real NOT NULL,
	PRIMARY KEY(`hour`, `host_id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `host_samples` (
	`host_id` integer NOT NULL,
	`at` integer NOT NULL,
	`up` integer NOT NULL,
	`latency_ms` real,
	PRIMARY KEY(`at`, `host_id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `hosts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`subnet_id` integer NOT NULL,
	`ip` text NOT NULL,
	`ip_key` text NOT NULL,
	`hostname` text,
	`hostname_source` text,
	`description` text DEFAULT '' NOT NULL,
	`tags` text DEFAULT '[]' NOT NULL,
	`notes` text DEFAULT '' NOT NULL,
	`reserved` integer DEFAULT false NOT NULL,
	`reserved_by` text,
	`reserved_note` text,
	`status` text DEFAULT 'unknown' NOT NULL,
	`latency_ms` real,
	`consecutive_failures` integer DEFAULT 0 NOT NULL,
	`first_seen_at` integer,
	`last_seen_at` integer,
	`last_checked_at` integer,
	`last_change_at` integer,
	`times_seen` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`subnet_id`) REFERENCES `subnets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `hosts_ip_uq` ON `hosts` (`ip`);--> statement-breakpoint
CREATE INDEX `hosts_subnet_key_idx` ON `hosts` (`subnet_id`,`ip_key`);--> statement-breakpoint
CREATE TABLE `subnets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cidr` text NOT NULL,
	`family` integer NOT NULL,
	`range_start` text NOT NULL,
	`range_end` text NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`notes` text DEFAULT '' NOT NULL,
	`probe_id` integer,
	`sweep_interval_seconds` integer DEFAULT 60 NOT NULL,
	`last_scan_requested_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`probe_id`) REFERENCES `probes`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `subnets_cidr_uq` ON `subnets` (`cidr`);--> statement-breakpoint
CREATE INDEX `subnets_range_idx` ON `subnets` (`family`,`range_start`);--> statement-breakpoint
CREATE INDEX `subnets_probe_idx` ON `subnets` (`probe_id`);--> statement-breakpoint
CREATE TABLE `ingest_ledger` (
	`probe_id` integer NOT NULL,
	`batch_id` text NOT NULL,
	`samples` integer NOT NULL,
	`applied_at` integer NOT NULL,
	PRIMARY KEY(`probe_id`, `batch_id`)
);
--> statement-breakpoint
CREATE TABLE `probes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`site` text DEFAULT '' NOT NULL,
	`token_hash` text NOT NULL,
	`is_local` integer DEFAULT false NOT NULL,
	`connected` integer DEFAULT false NOT NULL,
	`version` text,
	`last_seen_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `probes_token_uq` ON `probes` (`token_hash`);