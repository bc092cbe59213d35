CREATE TABLE `address_checks` (
	`subnet_id` integer NOT NULL,
	`ip_key` text NOT NULL,
	`ip` text NOT NULL,
	`job_id` text NOT NULL,
	`probe_id` integer,
	`checked_at` integer NOT NULL,
	`alive` integer NOT NULL,
	`signs` text NOT NULL,
	`skipped` text DEFAULT '[]' NOT NULL,
	PRIMARY KEY(`subnet_id`, `ip_key`),
	FOREIGN KEY (`subnet_id`) REFERENCES `subnets`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`probe_id`) REFERENCES `probes`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `address_claims` (
	`subnet_id` integer NOT NULL,
	`ip_key` text NOT NULL,
	`ip` text NOT NULL,
	`claim_id` text NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`subnet_id`, `ip_key`),
	FOREIGN KEY (`subnet_id`) REFERENCES `subnets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `hosts` ADD `reserved_at` integer;--> statement-breakpoint
ALTER TABLE `hosts` ADD `reserved_until` integer;--> statement-breakpoint
CREATE INDEX `hosts_reserved_until_idx` ON `hosts` (`reserved_until`);--> statement-breakpoint
ALTER TABLE `subnets` ADD `group_name` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `subnets` ADD `vlan` integer;--> statement-breakpoint
ALTER TABLE `subnets` ADD `gateway` text;--> statement-breakpoint
CREATE INDEX `subnets_group_idx` ON `subnets` (`group_name`);