CREATE TABLE `traffic_tests` (
	`id` text PRIMARY KEY NOT NULL,
	`pair` text NOT NULL,
	`from_probe_id` integer,
	`from_probe_name` text NOT NULL,
	`to_probe_id` integer,
	`to_probe_name` text,
	`to_address` text NOT NULL,
	`port` integer NOT NULL,
	`protocol` text NOT NULL,
	`duration_seconds` integer NOT NULL,
	`bandwidth_bps` integer,
	`parallel` integer DEFAULT 1 NOT NULL,
	`reverse` integer DEFAULT false NOT NULL,
	`state` text NOT NULL,
	`failed_step` text,
	`code` text,
	`error` text,
	`server_job_id` text,
	`client_job_id` text NOT NULL,
	`server_state` text,
	`client_state` text,
	`sent_bps` real,
	`received_bps` real,
	`retransmits` integer,
	`jitter_ms` real,
	`lost_packets` integer,
	`packets` integer,
	`loss_percent` real,
	`cpu_local_percent` real,
	`cpu_remote_percent` real,
	`result` text,
	`schedule_id` integer,
	`requested_by` integer,
	`requested_by_name` text,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`updated_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`from_probe_id`) REFERENCES `probes`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`to_probe_id`) REFERENCES `probes`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`requested_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `traffic_tests_pair_idx` ON `traffic_tests` (`pair`,`created_at`);--> statement-breakpoint
CREATE INDEX `traffic_tests_created_idx` ON `traffic_tests` (`created_at`);--> statement-breakpoint
CREATE INDEX `traffic_tests_from_state_idx` ON `traffic_tests` (`from_probe_id`,`state`);--> statement-breakpoint
CREATE INDEX `traffic_tests_to_state_idx` ON `traffic_tests` (`to_probe_id`,`state`);--> statement-breakpoint
CREATE TABLE `proxmox_connections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`url` text NOT NULL,
	`token_id` text NOT NULL,
	`token_secret` text NOT NULL,
	`fingerprint` text,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `proxmox_connections_name_uq` ON `proxmox_connections` (`name`);--> statement-breakpoint
CREATE TABLE `vms` (
	`id` text PRIMARY KEY NOT NULL,
	`connection_id` integer,
	`node` text NOT NULL,
	`vmid` integer,
	`name` text NOT NULL,
	`template` integer,
	`iso` text,
	`cores` integer NOT NULL,
	`memory_mb` integer NOT NULL,
	`disk_gb` integer NOT NULL,
	`bridge` text NOT NULL,
	`subnet_id` integer,
	`host_id` integer,
	`address` text,
	`state` text NOT NULL,
	`step` text NOT NULL,
	`code` text,
	`error` text,
	`upid` text,
	`requested_by` integer,
	`requested_by_name` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`connection_id`) REFERENCES `proxmox_connections`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`subnet_id`) REFERENCES `subnets`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`host_id`) REFERENCES `hosts`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`requested_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `vms_created_idx` ON `vms` (`created_at`);--> statement-breakpoint
CREATE INDEX `vms_host_idx` ON `vms` (`host_id`);--> statement-breakpoint
CREATE TABLE `metric_counters` (
	`name` text NOT NULL,
	`labels` text DEFAULT '' NOT NULL,
	`value` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`name`, `labels`)
);
--> statement-breakpoint
ALTER TABLE `api_tokens` ADD `scope` text;--> statement-breakpoint
ALTER TABLE `subnets` ADD `last_sweep_duration_ms` integer;