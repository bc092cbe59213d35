CREATE TABLE `host_ports` (
	`host_id` integer NOT NULL,
	`protocol` text NOT NULL,
	`port` integer NOT NULL,
	`state` text NOT NULL,
	`service` text,
	`product` text,
	`version` text,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	PRIMARY KEY(`host_id`, `protocol`, `port`),
	FOREIGN KEY (`host_id`) REFERENCES `hosts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `host_ports_service_idx` ON `host_ports` (`service`);--> statement-breakpoint
CREATE INDEX `host_ports_port_idx` ON `host_ports` (`port`,`protocol`);--> statement-breakpoint
CREATE TABLE `port_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`host_id` integer NOT NULL,
	`at` integer NOT NULL,
	`change` text NOT NULL,
	`protocol` text NOT NULL,
	`port` integer NOT NULL,
	`service` text,
	`product` text,
	`version` text,
	`prev_service` text,
	`prev_product` text,
	`prev_version` text,
	`probe_id` integer,
	FOREIGN KEY (`host_id`) REFERENCES `hosts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `port_events_host_at_idx` ON `port_events` (`host_id`,`at`);--> statement-breakpoint
CREATE INDEX `port_events_at_idx` ON `port_events` (`at`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`probe_id` integer,
	`subnet_id` integer,
	`targets` integer DEFAULT 0 NOT NULL,
	`origin` text NOT NULL,
	`state` text NOT NULL,
	`done` integer,
	`total` integer,
	`error` text,
	`requested_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`probe_id`) REFERENCES `probes`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`subnet_id`) REFERENCES `subnets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `jobs_probe_state_idx` ON `jobs` (`probe_id`,`state`);--> statement-breakpoint
CREATE INDEX `jobs_requested_idx` ON `jobs` (`requested_at`);--> statement-breakpoint
ALTER TABLE `hosts` ADD `ports_scanned_at` integer;--> statement-breakpoint
ALTER TABLE `hosts` ADD `ports_next_scan_at` integer;--> statement-breakpoint
ALTER TABLE `hosts` ADD `port_scan_job_id` text;--> statement-breakpoint
ALTER TABLE `hosts` ADD `port_scan_requested_at` integer;--> statement-breakpoint
ALTER TABLE `subnets` ADD `port_scan_enabled` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `subnets` ADD `port_scan_args` text;--> statement-breakpoint
ALTER TABLE `subnets` ADD `port_scan_interval_minutes` integer;--> statement-breakpoint
ALTER TABLE `probes` ADD `kinds` text;--> statement-breakpoint
ALTER TABLE `probes` ADD `raw_sockets` integer;