#!/bin/sh
docker ps --filter name=gitea
