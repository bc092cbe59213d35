CREATE TABLE `flow_conversations` (
	`grain` text NOT NULL,
	`bucket` integer NOT NULL,
	`probe_id` integer NOT NULL,
	`src` text NOT NULL,
	`dst` text NOT NULL,
	`src_subnet_id` integer,
	`dst_subnet_id` integer,
	`bytes` integer NOT NULL,
	`packets` integer NOT NULL,
	`flows` integer NOT NULL,
	PRIMARY KEY(`grain`, `bucket`, `probe_id`, `src`, `dst`)
);
--> statement-breakpoint
CREATE INDEX `flow_conversations_src_idx` ON `flow_conversations` (`src`,`grain`,`bucket`);--> statement-breakpoint
CREATE INDEX `flow_conversations_dst_idx` ON `flow_conversations` (`dst`,`grain`,`bucket`);--> statement-breakpoint
CREATE TABLE `flow_exporters` (
	`probe_id` integer NOT NULL,
	`address` text NOT NULL,
	`packets` integer NOT NULL,
	`flows` integer NOT NULL,
	`drops` text NOT NULL,
	`templates` integer NOT NULL,
	`sequence_gaps` integer NOT NULL,
	`pending` integer NOT NULL,
	`sampling_rate` integer NOT NULL,
	`versions` text NOT NULL,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`probe_id`, `address`),
	FOREIGN KEY (`probe_id`) REFERENCES `probes`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `flow_hours` (
	`bucket` integer NOT NULL,
	`probe_id` integer NOT NULL,
	`dirty` integer NOT NULL,
	PRIMARY KEY(`bucket`, `probe_id`)
);
--> statement-breakpoint
CREATE INDEX `flow_hours_dirty_idx` ON `flow_hours` (`dirty`,`bucket`);--> statement-breakpoint
CREATE TABLE `flow_matrix` (
	`grain` text NOT NULL,
	`bucket` integer NOT NULL,
	`probe_id` integer NOT NULL,
	`src_subnet_id` integer NOT NULL,
	`dst_subnet_id` integer NOT NULL,
	`bytes` integer NOT NULL,
	`packets` integer NOT NULL,
	`flows` integer NOT NULL,
	PRIMARY KEY(`grain`, `bucket`, `probe_id`, `src_subnet_id`, `dst_subnet_id`)
);
--> statement-breakpoint
CREATE TABLE `flow_ports` (
	`grain` text NOT NULL,
	`bucket` integer NOT NULL,
	`probe_id` integer NOT NULL,
	`protocol` integer NOT NULL,
	`port` integer NOT NULL,
	`bytes` integer NOT NULL,
	`packets` integer NOT NULL,
	`flows` integer NOT NULL,
	PRIMARY KEY(`grain`, `bucket`, `probe_id`, `protocol`, `port`)
);
--> statement-breakpoint
CREATE TABLE `flow_talkers` (
	`grain` text NOT NULL,
	`bucket` integer NOT NULL,
	`probe_id` integer NOT NULL,
	`ip` text NOT NULL,
	`subnet_id` integer,
	`bytes_in` integer NOT NULL,
	`bytes_out` integer NOT NULL,
	`packets_in` integer NOT NULL,
	`packets_out` integer NOT NULL,
	`flows_in` integer NOT NULL,
	`flows_out` integer NOT NULL,
	PRIMARY KEY(`grain`, `bucket`, `probe_id`, `ip`)
);
--> statement-breakpoint
CREATE INDEX `flow_talkers_ip_idx` ON `flow_talkers` (`ip`,`grain`,`bucket`);--> statement-breakpoint
CREATE TABLE `flow_totals` (
	`grain` text NOT NULL,
	`bucket` integer NOT NULL,
	`probe_id` integer NOT NULL,
	`bytes` integer NOT NULL,
	`packets` integer NOT NULL,
	`flows` integer NOT NULL,
	PRIMARY KEY(`grain`, `bucket`, `probe_id`)
);
--> statement-breakpoint
CREATE TABLE `unregistered_talkers` (
	`subnet_id` integer NOT NULL,
	`ip` text NOT NULL,
	`day` integer NOT NULL,
	`probe_id` integer,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	PRIMARY KEY(`subnet_id`, `day`, `ip`),
	FOREIGN KEY (`subnet_id`) REFERENCES `subnets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `unregistered_talkers_day_idx` ON `unregistered_talkers` (`day`);